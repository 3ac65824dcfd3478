-- Up Migration
-- Console sign-ins (docs/console.md, "Sessions"): an opaque token (only its hash is stored) bound to the API key
-- that signed in, so revoking the key ends its sessions; the CSRF token the console sends back on every change.
CREATE TABLE console_sessions (
  token_hash text PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  api_key_id uuid NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
