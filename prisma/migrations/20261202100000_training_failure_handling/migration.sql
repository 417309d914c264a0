-- Failure handling of training jobs (issue 20): a startup deadline for Scheduled jobs,
-- node-loss requeues that do not consume retries, container restarts summed over
-- attempts, and the nodes a job must not be placed on again.

-- AlterTable
ALTER TABLE "training_jobs" ADD COLUMN "start_timeout_seconds" INTEGER NOT NULL DEFAULT 600,
ADD COLUMN "requeues" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "container_restarts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "excluded_nodes" TEXT[] DEFAULT ARRAY[]::TEXT[];
