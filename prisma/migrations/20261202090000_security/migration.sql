-- Security (issue 22): platform admins apart from project admins, token kinds, scopes and
-- expiry, OIDC users and group bindings, and an append-only audit log.

-- CreateEnum
CREATE TYPE "TokenKind" AS ENUM ('USER', 'JOB');

-- AlterTable
ALTER TABLE "api_tokens" ADD COLUMN "kind" "TokenKind" NOT NULL DEFAULT 'USER',
ADD COLUMN "platform_admin" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "scopes" TEXT[] DEFAULT ARRAY['read', 'write', 'infer']::TEXT[],
ADD COLUMN "job_id" UUID,
ADD COLUMN "job_attempt" INTEGER,
ADD COLUMN "created_by" TEXT,
ADD COLUMN "expires_at" TIMESTAMPTZ(3);

-- Data: an ADMIN token linked to no project was the old global admin (the bootstrap
-- token): it becomes the platform admin. ADMIN tokens linked to projects stay admins of
-- those projects only. Job tokens were told apart by their name; now by their kind.
UPDATE "api_tokens" t SET "platform_admin" = true
WHERE t."role" = 'ADMIN' AND NOT EXISTS (SELECT 1 FROM "api_token_projects" p WHERE p."token_id" = t."id");

UPDATE "api_tokens" SET "kind" = 'JOB',
  "job_id" = substring("name" from '^job:([0-9a-f-]{36})/a[0-9]+$')::uuid,
  "job_attempt" = substring("name" from '^job:[0-9a-f-]{36}/a([0-9]+)$')::integer
WHERE "name" ~ '^job:[0-9a-f-]{36}/a[0-9]+$';

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "issuer" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "email" TEXT,
    "name" TEXT,
    "groups" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_login_at" TIMESTAMPTZ(3),
    "last_seen_at" TIMESTAMPTZ(3),

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "project_group_bindings" (
    "project_id" UUID NOT NULL,
    "group" TEXT NOT NULL,
    "role" "TokenRole" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "project_group_bindings_pkey" PRIMARY KEY ("project_id","group")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_type" TEXT NOT NULL,
    "actor_id" TEXT,
    "actor_name" TEXT,
    "project_id" UUID,
    "project" TEXT,
    "action" TEXT NOT NULL,
    "resource_type" TEXT NOT NULL,
    "resource_id" TEXT,
    "outcome" TEXT NOT NULL,
    "status" INTEGER,
    "ip" TEXT,
    "request_id" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "api_tokens_kind_revoked_at_idx" ON "api_tokens"("kind", "revoked_at");

-- CreateIndex
CREATE UNIQUE INDEX "users_issuer_subject_key" ON "users"("issuer", "subject");

-- CreateIndex
CREATE INDEX "project_group_bindings_group_idx" ON "project_group_bindings"("group");

-- CreateIndex
CREATE INDEX "audit_events_at_idx" ON "audit_events"("at");

-- CreateIndex
CREATE INDEX "audit_events_project_id_at_idx" ON "audit_events"("project_id", "at");

-- CreateIndex
CREATE INDEX "audit_events_actor_id_at_idx" ON "audit_events"("actor_id", "at");

-- CreateIndex
CREATE INDEX "audit_events_action_at_idx" ON "audit_events"("action", "at");

-- AddForeignKey
ALTER TABLE "project_group_bindings" ADD CONSTRAINT "project_group_bindings_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Append-only: the audit log refuses UPDATE, DELETE and TRUNCATE, whoever asks.
CREATE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
CREATE TRIGGER "audit_events_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();
