-- Up Migration
-- Delivery analytics (docs/console.md, "Delivery analytics"): a tenant's messages in a creation-time window,
-- aggregated by day, hour, campaign, template or country. The included columns let the funnel read the index alone
-- (an index-only scan on a vacuumed table) instead of visiting a million heap rows.
CREATE INDEX messages_analytics ON messages (tenant_id, created_at)
  INCLUDE (status, template_key, campaign_id, recipient_country);
-- The recipients still without a country: the cost summary and the analytics fill them before counting, and find
-- none quickly once every row has one.
CREATE INDEX messages_country_missing ON messages (tenant_id) WHERE recipient_country IS NULL;

-- The latest attempt of each message in the window (grouping by WABA or number) and the attempts' counts: a
-- tenant's attempts by time.
CREATE INDEX message_attempts_tenant_created ON message_attempts (tenant_id, created_at);
