-- Checkpoints and automatic resume (issue 15): each complete checkpoint a job writes
-- (`step-<n>` in BEAMLINE_CHECKPOINT_DIR), so the next attempt gets BEAMLINE_RESUME_FROM;
-- and the volumes (claims, scratch) a job mounts.

-- AlterTable
ALTER TABLE "training_jobs" ADD COLUMN "volumes" JSONB NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "training_checkpoints" (
    "id" BIGSERIAL NOT NULL,
    "job_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "step" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "training_checkpoints_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "training_checkpoints_job_id_step_key" ON "training_checkpoints"("job_id", "step");

-- AddForeignKey
ALTER TABLE "training_checkpoints" ADD CONSTRAINT "training_checkpoints_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "training_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
