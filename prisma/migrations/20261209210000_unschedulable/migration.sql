-- Issue 14, item 4: a Queued job that no node can ever run is flagged, and fails as
-- Unschedulable after BEAMLINE_UNSCHEDULABLE_TIMEOUT_SECONDS.
ALTER TABLE "training_jobs" ADD COLUMN "unschedulable_since" TIMESTAMPTZ(3);
