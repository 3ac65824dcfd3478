-- Up Migration
-- The resource registry (MLAM): portfolios, WABAs, phone numbers, templates, the association map,
-- contacts (consent, service windows, sticky sender) and usage (messaging limit, throughput).
CREATE TABLE portfolios (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id text NOT NULL,
  messaging_tier text NOT NULL DEFAULT 'TIER_250',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE wabas (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id text NOT NULL,
  portfolio_id text NOT NULL,
  name text NOT NULL DEFAULT '',
  access_token_enc text NOT NULL,
  fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  health jsonb NOT NULL DEFAULT '{"verdict":"degraded","reasons":[{"code":"never_synced","message":"not synced yet"}]}'::jsonb,
  synced_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE phone_numbers (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id text NOT NULL,
  waba_id text NOT NULL,
  display_phone_number text NOT NULL DEFAULT '',
  fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  enabled boolean NOT NULL DEFAULT true,
  priority integer NOT NULL DEFAULT 0,
  health jsonb NOT NULL DEFAULT '{}'::jsonb,
  synced_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, waba_id) REFERENCES wabas(tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE templates (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id text NOT NULL,
  waba_id text NOT NULL,
  name text NOT NULL,
  language text NOT NULL,
  category text NOT NULL,
  components jsonb NOT NULL DEFAULT '[]'::jsonb,
  fields jsonb NOT NULL DEFAULT '{}'::jsonb,
  health jsonb NOT NULL DEFAULT '{}'::jsonb,
  synced_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, waba_id) REFERENCES wabas(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX templates_name_lang ON templates (tenant_id, name, language);

CREATE TABLE template_groups (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  key text NOT NULL,
  members jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key)
);

-- Every health-relevant change, whatever its source, is recorded here (the audit trail of verdicts).
CREATE TABLE health_changes (
  id bigserial PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  source text NOT NULL,
  change jsonb NOT NULL,
  verdict text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX health_changes_resource ON health_changes (tenant_id, resource_type, resource_id, at DESC);

-- Bumped on every registry change; workers compare it to their cached snapshot before each resolution.
CREATE TABLE registry_versions (
  tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  version bigint NOT NULL DEFAULT 0
);

CREATE TABLE contacts (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  wa_id text NOT NULL,
  opted_in_at timestamptz,
  opt_in_source text,
  opt_in_proof text,
  opted_out_at timestamptz,
  opt_out_source text,
  sticky_phone_number_id text,
  last_inbound jsonb NOT NULL DEFAULT '{}'::jsonb,
  marketing_limit_hits jsonb NOT NULL DEFAULT '[]'::jsonb,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, wa_id)
);

-- Unique recipients per portfolio in the rolling 24 h: one row per (portfolio, recipient), refreshed on each send.
CREATE TABLE usage_recipients (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  portfolio_id text NOT NULL,
  wa_id text NOT NULL,
  last_sent_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, portfolio_id, wa_id)
);
CREATE INDEX usage_recipients_window ON usage_recipients (tenant_id, portfolio_id, last_sent_at);

-- Sends per phone number per second (throughput headroom).
CREATE TABLE usage_phone_seconds (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  phone_number_id text NOT NULL,
  second bigint NOT NULL,
  sends integer NOT NULL,
  PRIMARY KEY (tenant_id, phone_number_id, second)
);
