-- Up Migration
-- Human escalations: resolution and forwarding to the tenant's agent desk (retried, never blocking ingestion).
ALTER TABLE escalations
  ADD COLUMN resolved_at timestamptz,
  ADD COLUMN forward_attempts integer NOT NULL DEFAULT 0,
  -- When the next forwarding attempt is due; NULL = nothing (left) to forward.
  ADD COLUMN forward_next_at timestamptz,
  ADD COLUMN forward_error text;
CREATE INDEX escalations_tenant_status ON escalations (tenant_id, status, created_at DESC);
CREATE INDEX escalations_forward_due ON escalations (forward_next_at) WHERE forward_next_at IS NOT NULL;

-- The per-tenant secret that signs forwarded escalations (HMAC-SHA256), independent of API keys; sealed at rest.
CREATE TABLE escalation_signing_keys (
  tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  secret_enc text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- An opt-out cancels the contact's messages still in flight: find them by recipient.
CREATE INDEX messages_tenant_recipient ON messages (tenant_id, recipient);
