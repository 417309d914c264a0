-- Datasets (issue 15, item 2): versioned pointers at data (an uploaded archive, a path in a
-- claim, an S3 prefix) with size, file count and a content digest; and the lineage of
-- which training job attempts mounted which version.

-- CreateTable
CREATE TABLE "datasets" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "latest_version" INTEGER NOT NULL DEFAULT 0,
    "created_by_token" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "datasets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dataset_versions" (
    "id" UUID NOT NULL,
    "dataset_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "uri" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "size_bytes" BIGINT,
    "file_count" INTEGER,
    "digest" TEXT,
    "digest_note" TEXT,
    "archive_sha256" TEXT,
    "created_by_token" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dataset_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dataset_reads" (
    "id" BIGSERIAL NOT NULL,
    "dataset_version_id" UUID NOT NULL,
    "training_job_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "volume" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dataset_reads_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "datasets_project_id_name_key" ON "datasets"("project_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "dataset_versions_dataset_id_version_key" ON "dataset_versions"("dataset_id", "version");

-- CreateIndex
CREATE INDEX "dataset_reads_training_job_id_idx" ON "dataset_reads"("training_job_id");

-- CreateIndex
CREATE UNIQUE INDEX "dataset_reads_dataset_version_id_training_job_id_attempt_vo_key" ON "dataset_reads"("dataset_version_id", "training_job_id", "attempt", "volume");

-- AddForeignKey
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dataset_versions" ADD CONSTRAINT "dataset_versions_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dataset_reads" ADD CONSTRAINT "dataset_reads_dataset_version_id_fkey" FOREIGN KEY ("dataset_version_id") REFERENCES "dataset_versions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dataset_reads" ADD CONSTRAINT "dataset_reads_training_job_id_fkey" FOREIGN KEY ("training_job_id") REFERENCES "training_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
