-- Endpoint autoscaling (issue 18, item 3): the desired revision's autoscaling spec, mirrored
-- on the endpoint like max_surge so the controller and the API's infer proxy read it without
-- the revision. NULL keeps today's fixed replica count.
ALTER TABLE "endpoints" ADD COLUMN "autoscaling" JSONB;
