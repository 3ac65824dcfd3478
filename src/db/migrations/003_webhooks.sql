-- Up Migration
-- Every accepted webhook body, stored before it is processed, deduplicated by the hash of its raw bytes.
CREATE TABLE webhook_inbox (
  id bigserial PRIMARY KEY,
  dedupe_key text NOT NULL UNIQUE,
  received_at timestamptz NOT NULL DEFAULT now(),
  body jsonb NOT NULL,
  processed_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text
);
CREATE INDEX webhook_inbox_pending ON webhook_inbox (next_attempt_at) WHERE processed_at IS NULL;

-- Individual events inside webhook bodies, deduplicated across bodies (Meta may resend one event in another batch).
CREATE TABLE webhook_events_seen (
  event_key text PRIMARY KEY,
  inbox_id bigint NOT NULL REFERENCES webhook_inbox(id) ON DELETE CASCADE,
  seen_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE escalations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  wa_id text NOT NULL,
  phone_number_id text NOT NULL,
  message_id uuid,
  text text NOT NULL,
  wamid text NOT NULL,
  status text NOT NULL DEFAULT 'open',
  forwarded_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, wamid)
);
