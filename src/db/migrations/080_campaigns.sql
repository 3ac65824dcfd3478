-- Up Migration
-- Campaigns (docs/campaigns.md): one logical template to many recipients. Each recipient is a `messages` row
-- (campaign_id = the campaign's id) driven by the campaign's batch activities instead of a workflow of its own.
CREATE TABLE campaigns (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  idempotency_key text,
  request_hash text NOT NULL,
  name text NOT NULL,
  template_key text NOT NULL,
  language text NOT NULL,
  -- parameters, prefer, retries, smartUtilityFallback, guard, maxPerSecond, startAt (as validated by the API)
  spec jsonb NOT NULL,
  status text NOT NULL DEFAULT 'draft',
  status_reason text,
  -- Written by the API only ('run' | 'pause' | 'cancel'); batch activities read it between sends.
  control text NOT NULL DEFAULT 'run',
  workflow_id text NOT NULL,
  round integer NOT NULL DEFAULT 1,
  duplicates bigint NOT NULL DEFAULT 0,
  sent_total bigint NOT NULL DEFAULT 0,
  -- Recent [epoch ms, sent_total] samples written by the batches: the campaign's rate and ETA.
  progress jsonb NOT NULL DEFAULT '[]'::jsonb,
  started_at timestamptz,
  completed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX campaigns_idempotency ON campaigns (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX campaigns_tenant_created ON campaigns (tenant_id, created_at DESC, id DESC);

-- `messages.driven_by` (020_webhook_pipeline) says who drives a message: its own messageDelivery workflow, or a
-- campaign's batch activities (statuses are then folded into the row by the webhook processor instead of
-- signalled). Promotion to Smart Utility Fallback flips it.
ALTER TABLE messages
  -- Campaign recipients only: upload order (the workflow's cursor), the caller's reference, and the queue state:
  -- queued | sending (claimed by campaign_batch) | sent (awaiting a final status) | unknown (send outcome unknown)
  -- | retry (waits for the next retry round) | done
  ADD COLUMN campaign_seq bigint,
  ADD COLUMN campaign_ref text,
  ADD COLUMN campaign_queue text,
  ADD COLUMN campaign_queue_at timestamptz,
  ADD COLUMN campaign_batch text,
  -- The current attempt's number (attempt id `<message id>:<n>`), resources excluded by earlier failures,
  -- transient failures spent in this round, and the round the recipient is in.
  ADD COLUMN campaign_attempt integer NOT NULL DEFAULT 0,
  ADD COLUMN campaign_exclude jsonb NOT NULL DEFAULT '{"wabaIds":[],"phoneNumberIds":[],"templateIds":[]}'::jsonb,
  ADD COLUMN campaign_transients integer NOT NULL DEFAULT 0,
  ADD COLUMN campaign_round integer;
CREATE SEQUENCE messages_campaign_seq;
CREATE UNIQUE INDEX messages_campaign_order ON messages (campaign_id, campaign_seq) WHERE campaign_seq IS NOT NULL;
CREATE INDEX messages_campaign_queue ON messages (campaign_id, campaign_queue, campaign_seq)
  WHERE campaign_seq IS NOT NULL;
