-- Up Migration
-- The batched webhook pipeline (docs/webhooks.md).

-- Which secret verified a stored body: NULL = the platform app secret, otherwise the tenant whose own app secret
-- did (its events apply to that tenant only). Part of the dedupe key, so a body one tenant replays cannot
-- shadow the platform's delivery of the same bytes.
ALTER TABLE webhook_inbox ADD COLUMN verified_tenant_id uuid REFERENCES tenants(id) ON DELETE CASCADE;
-- Retention deletes processed bodies oldest first.
CREATE INDEX webhook_inbox_processed ON webhook_inbox (processed_at) WHERE processed_at IS NOT NULL;

-- Statuses whose wamid is not stored yet (the status overtook the send's response): kept until it is, then
-- applied. No foreign key to the inbox: pruning bodies never drops a waiting status.
CREATE TABLE webhook_waiting_statuses (
  id bigserial PRIMARY KEY,
  wamid text NOT NULL,
  event_key text NOT NULL UNIQUE,
  verified_tenant_id uuid REFERENCES tenants(id) ON DELETE CASCADE,
  event jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  lease_until timestamptz NOT NULL DEFAULT '-infinity'
);
CREATE INDEX webhook_waiting_statuses_wamid ON webhook_waiting_statuses (wamid);
CREATE INDEX webhook_waiting_statuses_received ON webhook_waiting_statuses (received_at);

-- Events that can never be applied (impossible content, or a handler that kept failing on it), with the reason.
CREATE TABLE webhook_dead_letters (
  id bigserial PRIMARY KEY,
  event_key text NOT NULL UNIQUE,
  inbox_id bigint,
  verified_tenant_id uuid REFERENCES tenants(id) ON DELETE CASCADE,
  kind text NOT NULL,
  reason text NOT NULL,
  attempts integer NOT NULL,
  event jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_dead_letters_created ON webhook_dead_letters (created_at);

-- Who reacts to a message's statuses: its Temporal workflow (signalled while it waits), or the campaign engine
-- (statuses folded into the rows in batches, failures handed over; no workflow exists to signal).
ALTER TABLE messages ADD COLUMN driven_by text NOT NULL DEFAULT 'workflow'
  CONSTRAINT messages_driven_by CHECK (driven_by IN ('workflow', 'campaign'));
