-- Queues and quotas set through the API (issue 14): cluster queues with nominal quota per
-- resource flavor and a cohort, project queues that name them, and the history of both.

-- CreateTable
CREATE TABLE "cluster_queues" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "cohort" TEXT,
    "strategy" TEXT NOT NULL DEFAULT 'BestEffortFIFO',
    "weight" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "quota" JSONB NOT NULL DEFAULT '[]',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cluster_queues_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "project_queues" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "cluster_queue_id" UUID NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "project_queues_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "queue_revisions" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "queue_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "actor" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "queue_revisions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "cluster_queues_name_key" ON "cluster_queues"("name");

-- CreateIndex
CREATE INDEX "project_queues_cluster_queue_id_idx" ON "project_queues"("cluster_queue_id");

-- CreateIndex
CREATE UNIQUE INDEX "project_queues_project_id_name_key" ON "project_queues"("project_id", "name");

-- CreateIndex
CREATE INDEX "queue_revisions_queue_id_version_idx" ON "queue_revisions"("queue_id", "version");

-- AddForeignKey
ALTER TABLE "project_queues" ADD CONSTRAINT "project_queues_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "project_queues" ADD CONSTRAINT "project_queues_cluster_queue_id_fkey" FOREIGN KEY ("cluster_queue_id") REFERENCES "cluster_queues"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
