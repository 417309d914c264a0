-- Many models per replica (issue 18): whether the endpoint serves a list of models (its
-- revisions' templates hold the list). The infer proxy reads it to route by model name.
ALTER TABLE "endpoints" ADD COLUMN "multi_model" BOOLEAN NOT NULL DEFAULT false;
