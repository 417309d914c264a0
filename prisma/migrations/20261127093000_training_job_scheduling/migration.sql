-- AlterTable
ALTER TABLE "training_jobs" ADD COLUMN     "not_before" TIMESTAMPTZ(3),
ADD COLUMN     "pending_reason" TEXT,
ADD COLUMN     "placement" JSONB,
ADD COLUMN     "policy" TEXT,
ADD COLUMN     "scheduled_at" TIMESTAMPTZ(3);
