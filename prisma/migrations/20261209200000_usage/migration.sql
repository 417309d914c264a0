-- Issue 14: GPU-hour accounting. Who submitted a job (for usage by user), and one row per
-- ended attempt and flavor, written with the status change that ended the attempt.
ALTER TABLE "training_jobs" ADD COLUMN "submitted_by" TEXT;

CREATE TABLE "usage_records" (
    "id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "flavor" TEXT NOT NULL,
    "project_id" UUID NOT NULL,
    "queue" TEXT NOT NULL,
    "submitted_by" TEXT NOT NULL,
    "gpu_seconds" DOUBLE PRECISION NOT NULL,
    "cpu_seconds" DOUBLE PRECISION NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "usage_records_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "usage_records_job_id_attempt_flavor_key" ON "usage_records"("job_id", "attempt", "flavor");
CREATE INDEX "usage_records_ended_at_idx" ON "usage_records"("ended_at");
