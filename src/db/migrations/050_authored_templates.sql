-- Up Migration
-- Logical templates authored through Lifeline (POST /v1/templates, docs/templates.md) and their submission to
-- each WABA: Meta's template id, its review state and why, kept current by webhooks and the scheduled sync.
-- A logical template (key) has one variant per language, as Meta has one template per (name, language) per WABA;
-- the variants of a key share its category (the service checks it under a lock on the key).
CREATE TABLE authored_templates (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  key text NOT NULL,
  name text NOT NULL,
  language text NOT NULL,
  category text NOT NULL,
  parameter_format text,
  components jsonb NOT NULL,
  -- category, header format and parameter counts: what equivalent members must share
  shape jsonb NOT NULL,
  revision integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key, language)
);

CREATE TABLE template_submissions (
  tenant_id uuid NOT NULL,
  key text NOT NULL,
  language text NOT NULL,
  waba_id text NOT NULL,
  -- preference order of the member in the template group
  position integer NOT NULL,
  -- Meta's template id once Meta accepted the submission
  template_id text,
  -- Meta's review state (PENDING, APPROVED, REJECTED, PAUSED, DISABLED, …) or SUBMISSION_FAILED
  status text NOT NULL,
  reason text,
  -- the category Meta gives the member now (it may re-categorise)
  category text,
  -- the authored revision last submitted to this WABA
  revision integer NOT NULL,
  error jsonb,
  submitted_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key, language, waba_id),
  FOREIGN KEY (tenant_id, key, language) REFERENCES authored_templates (tenant_id, key, language) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, waba_id) REFERENCES wabas (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX template_submissions_template ON template_submissions (tenant_id, template_id);
