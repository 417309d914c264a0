-- CreateEnum
CREATE TYPE "EndpointPhase" AS ENUM ('Progressing', 'Complete', 'Failed', 'RolledBack', 'Deleting');

-- CreateTable
CREATE TABLE "endpoints" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "model_id" UUID NOT NULL,
    "alias" TEXT,
    "replicas" INTEGER NOT NULL,
    "max_surge" INTEGER NOT NULL DEFAULT 1,
    "progress_deadline_seconds" INTEGER NOT NULL DEFAULT 600,
    "latest_revision" INTEGER NOT NULL DEFAULT 0,
    "desired_revision" INTEGER NOT NULL,
    "good_revision" INTEGER,
    "phase" "EndpointPhase" NOT NULL DEFAULT 'Progressing',
    "reason" TEXT NOT NULL DEFAULT 'Created',
    "message" TEXT NOT NULL DEFAULT '',
    "observed" JSONB NOT NULL DEFAULT '{}',
    "created_by_token" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "endpoint_revisions" (
    "id" UUID NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "model_version" INTEGER NOT NULL,
    "template" JSONB NOT NULL,
    "cause" TEXT NOT NULL,
    "message" TEXT NOT NULL DEFAULT '',
    "source_revision" INTEGER,
    "status" TEXT NOT NULL DEFAULT 'Pending',
    "created_by_token" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "endpoint_revisions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "endpoint_events" (
    "id" BIGSERIAL NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "revision" INTEGER,
    "type" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "message" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "endpoint_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "endpoints_project_id_name_key" ON "endpoints"("project_id", "name");

-- CreateIndex
CREATE INDEX "endpoints_model_id_idx" ON "endpoints"("model_id");

-- CreateIndex
CREATE UNIQUE INDEX "endpoint_revisions_endpoint_id_revision_key" ON "endpoint_revisions"("endpoint_id", "revision");

-- CreateIndex
CREATE INDEX "endpoint_events_endpoint_id_id_idx" ON "endpoint_events"("endpoint_id", "id");

-- AddForeignKey
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "endpoint_revisions" ADD CONSTRAINT "endpoint_revisions_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "endpoint_events" ADD CONSTRAINT "endpoint_events_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;
