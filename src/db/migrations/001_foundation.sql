-- Up Migration
-- Tenants, their API keys (hashes only), and the message ledger.
CREATE TABLE tenants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  key_hash text NOT NULL UNIQUE,
  prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE messages (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  idempotency_key text NOT NULL,
  workflow_id text NOT NULL,
  recipient text NOT NULL,
  template_key text NOT NULL,
  language text NOT NULL,
  campaign_id text,
  request jsonb NOT NULL,
  status text NOT NULL DEFAULT 'accepted',
  delivered_via jsonb,
  failure jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX messages_tenant_created ON messages (tenant_id, created_at DESC);

-- One row per send to Meta. The id is derived from the workflow step, so a retried activity finds its own row.
CREATE TABLE message_attempts (
  id text PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  message_id uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  seq integer NOT NULL,
  kind text NOT NULL,
  waba_id text,
  phone_number_id text NOT NULL,
  template_id text,
  template_name text,
  wamid text,
  status text NOT NULL DEFAULT 'pending',
  error_code integer,
  error jsonb,
  pricing jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (message_id, seq)
);

CREATE TABLE wamids (
  wamid text PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  message_id uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  attempt_id text NOT NULL REFERENCES message_attempts(id) ON DELETE CASCADE,
  workflow_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Append-only timeline. dedupe_key makes appends from retried activities idempotent.
CREATE TABLE message_events (
  id bigserial PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  message_id uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  type text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  dedupe_key text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (message_id, dedupe_key)
);
