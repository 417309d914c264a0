-- CreateEnum
CREATE TYPE "ModelVersionStatus" AS ENUM ('PendingUpload', 'Ready');

-- CreateTable
CREATE TABLE "models" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "tags" TEXT[],
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "latest_version" INTEGER NOT NULL DEFAULT 0,
    "created_by_token" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "models_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_artifacts" (
    "sha256" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_artifacts_pkey" PRIMARY KEY ("sha256")
);

-- CreateTable
CREATE TABLE "model_versions" (
    "id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "status" "ModelVersionStatus" NOT NULL DEFAULT 'PendingUpload',
    "format" TEXT NOT NULL DEFAULT 'onnx',
    "description" TEXT NOT NULL DEFAULT '',
    "tags" TEXT[],
    "metrics" JSONB NOT NULL DEFAULT '{}',
    "artifact_sha256" TEXT,
    "claimed_sha256" TEXT,
    "signature" JSONB,
    "variables" JSONB NOT NULL DEFAULT '{}',
    "training_job_id" UUID,
    "created_by_token" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_aliases" (
    "model_id" UUID NOT NULL,
    "alias" TEXT NOT NULL,
    "version_id" UUID NOT NULL,
    "protected" BOOLEAN NOT NULL DEFAULT false,
    "updated_by_token" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_aliases_pkey" PRIMARY KEY ("model_id","alias")
);

-- CreateTable
CREATE TABLE "model_alias_events" (
    "id" BIGSERIAL NOT NULL,
    "model_id" UUID NOT NULL,
    "alias" TEXT NOT NULL,
    "from_version" INTEGER,
    "to_version" INTEGER,
    "protected" BOOLEAN NOT NULL,
    "by_token" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_alias_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "models_tags_idx" ON "models" USING GIN ("tags");

-- CreateIndex
CREATE UNIQUE INDEX "models_project_id_name_key" ON "models"("project_id", "name");

-- CreateIndex
CREATE INDEX "model_versions_training_job_id_idx" ON "model_versions"("training_job_id");

-- CreateIndex
CREATE INDEX "model_versions_artifact_sha256_idx" ON "model_versions"("artifact_sha256");

-- CreateIndex
CREATE UNIQUE INDEX "model_versions_model_id_version_key" ON "model_versions"("model_id", "version");

-- CreateIndex
CREATE INDEX "model_aliases_version_id_idx" ON "model_aliases"("version_id");

-- CreateIndex
CREATE INDEX "model_alias_events_model_id_alias_created_at_idx" ON "model_alias_events"("model_id", "alias", "created_at");

-- AddForeignKey
ALTER TABLE "models" ADD CONSTRAINT "models_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_artifact_sha256_fkey" FOREIGN KEY ("artifact_sha256") REFERENCES "model_artifacts"("sha256") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_training_job_id_fkey" FOREIGN KEY ("training_job_id") REFERENCES "training_jobs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_aliases" ADD CONSTRAINT "model_aliases_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_aliases" ADD CONSTRAINT "model_aliases_version_id_fkey" FOREIGN KEY ("version_id") REFERENCES "model_versions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_alias_events" ADD CONSTRAINT "model_alias_events_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE CASCADE;
