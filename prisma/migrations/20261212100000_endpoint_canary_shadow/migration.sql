-- Canary and shadow traffic (issue 18): the running canary and shadow of an endpoint, null when none.
ALTER TABLE "endpoints" ADD COLUMN "canary" JSONB;
ALTER TABLE "endpoints" ADD COLUMN "shadow" JSONB;
