-- Logs survive the pod (issue 15): the controller archives each worker's log in chunks to
-- the artifact store; these rows are the ordered index and the byte offset to resume from.
-- And the output model's lineage names the attempt and the checkpoint it came from.

-- AlterTable
ALTER TABLE "model_versions" ADD COLUMN "training_attempt" INTEGER,
ADD COLUMN "checkpoint_step" INTEGER,
ADD COLUMN "checkpoint_name" TEXT;

-- CreateTable
CREATE TABLE "training_log_chunks" (
    "job_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "worker" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT,
    "final" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "training_log_chunks_pkey" PRIMARY KEY ("job_id","attempt","worker","seq")
);

-- CreateIndex
CREATE INDEX "training_log_chunks_sha256_idx" ON "training_log_chunks"("sha256");

-- AddForeignKey
ALTER TABLE "training_log_chunks" ADD CONSTRAINT "training_log_chunks_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "training_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
