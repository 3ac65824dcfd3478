-- Up Migration
-- Smart Utility Fallback: every consent prompt and its outcome (per-contact caps, "declined for this campaign").
CREATE TABLE consent_prompts (
  message_id uuid PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  wa_id text NOT NULL,
  campaign_id text,
  attempt_id text,
  asked_at timestamptz NOT NULL DEFAULT now(),
  outcome text NOT NULL DEFAULT 'asked',
  answered_at timestamptz
);
CREATE INDEX consent_prompts_contact ON consent_prompts (tenant_id, wa_id, asked_at DESC);
