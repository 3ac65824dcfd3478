-- Up Migration
-- Conversations (docs/conversations.md): the customer's side of the thread, session messages, human escalations
-- that can be answered and measured, and consent records that prove an opt-in.

-- Every inbound customer message, once (a retried webhook event stores nothing new).
CREATE TABLE inbound_messages (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  wamid text NOT NULL,
  wa_id text NOT NULL,
  phone_number_id text NOT NULL,
  type text NOT NULL,
  text text,
  payload text,
  context_wamid text,
  at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, wamid)
);
CREATE INDEX inbound_messages_contact ON inbound_messages (tenant_id, wa_id, at DESC);

-- A free-form session message is a row of `messages` too (same attempts, wamids, statuses, GET /v1/messages/:id).
ALTER TABLE messages ADD COLUMN kind text NOT NULL DEFAULT 'template';

-- Escalations: what matched, the conversation's recent context, the automatic acknowledgement and the answers.
ALTER TABLE escalations
  ADD COLUMN keyword text,
  ADD COLUMN language text,
  ADD COLUMN context jsonb NOT NULL DEFAULT '[]'::jsonb,
  ADD COLUMN acknowledgement_message_id uuid,
  ADD COLUMN first_answered_at timestamptz,
  ADD COLUMN first_answered_by text,
  ADD COLUMN last_answered_at timestamptz,
  ADD COLUMN last_answered_by text,
  ADD COLUMN answers integer NOT NULL DEFAULT 0;
CREATE INDEX escalations_open_contact ON escalations (tenant_id, wa_id) WHERE status = 'open';

-- The consent history: every opt-in (wording shown, channel, time, source reference, proof) and opt-out (keyword
-- or channel), append-only. contacts keeps the current state.
CREATE TABLE consent_records (
  id bigserial PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  wa_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('opt_in', 'opt_out')),
  channel text NOT NULL,
  wording text,
  source text,
  source_ref text,
  proof text,
  keyword text,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  -- Set for records made from a webhook event, so a retried event records nothing twice.
  dedupe_key text,
  UNIQUE (tenant_id, dedupe_key)
);
CREATE INDEX consent_records_contact ON consent_records (tenant_id, wa_id, id DESC);
CREATE INDEX consent_records_tenant ON consent_records (tenant_id, id);

-- What was recorded before this history existed, so an audit export is complete.
INSERT INTO consent_records (tenant_id, wa_id, kind, channel, source, proof, occurred_at)
  SELECT tenant_id, wa_id, 'opt_in', 'unspecified', opt_in_source, opt_in_proof, opted_in_at
    FROM contacts WHERE opted_in_at IS NOT NULL;
INSERT INTO consent_records (tenant_id, wa_id, kind, channel, source, occurred_at)
  SELECT tenant_id, wa_id, 'opt_out', CASE WHEN opt_out_source IN ('inbound_keyword', 'user_preferences')
                                           THEN 'whatsapp' ELSE 'unspecified' END, opt_out_source, opted_out_at
    FROM contacts WHERE opted_out_at IS NOT NULL;
