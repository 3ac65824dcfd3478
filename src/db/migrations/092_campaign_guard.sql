-- Up Migration
-- The campaign quality guard (docs/capacity.md, "Quality guard"): a campaign's last sends, newest first, are read
-- through the tenant's newest attempts (a running campaign's own sends are most of them), never by scanning every
-- recipient of the campaign — on `message_attempts_tenant_created (tenant_id, created_at)`, created by
-- 090_analytics.sql for the delivery analytics (a b-tree walks either way, so one index serves both).
-- Sends before this time no longer count for the guard: it paused the campaign then, and a resumed campaign is
-- judged on what it sends next.
ALTER TABLE campaigns ADD COLUMN guard_from timestamptz;
