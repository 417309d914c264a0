-- Preemption in the controller loop (issue 14, item 3): each cluster queue's preemption
-- policy and the runtime its jobs are guaranteed, and on a training job the preemption in
-- flight (who preempts it, since when) so a controller restart during the grace period
-- neither loses the victim nor runs it twice.

-- AlterTable
ALTER TABLE "cluster_queues" ADD COLUMN "preemption" JSONB NOT NULL DEFAULT '{"withinClusterQueue":"LowerPriority","reclaimWithinCohort":"Any","minRuntimeSeconds":60}';

-- AlterTable
ALTER TABLE "training_jobs" ADD COLUMN "preempted_by" UUID,
ADD COLUMN "preempting_since" TIMESTAMPTZ(3);
