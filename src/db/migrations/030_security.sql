-- Up Migration
-- Security hardening (docs/security.md).

-- A tenant's own Meta app secret, sealed at rest (AES-256-GCM bound to the tenant's id), instead of plaintext in
-- settings. Secrets already in settings are moved here by the API at start-up (src/db/seal-legacy-secrets.ts).
ALTER TABLE tenants ADD COLUMN meta_app_secret_enc text;

-- API keys: a label, and revocation that may take effect later (rotation with a grace period).
ALTER TABLE api_keys ADD COLUMN label text;
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at, id);

-- The recipient's country, written on insert (or filled lazily by the cost summary), so costs aggregate in SQL.
ALTER TABLE messages ADD COLUMN recipient_country text;

-- Per-tenant request budgets (rate-limiter-flexible's PostgreSQL store; the table layout is the library's).
CREATE TABLE rate_limits (
  key varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);
