-- Up Migration
-- The delivery analytics' daily rollup (docs/console.md, "Delivery analytics"): each closed UTC day of a tenant,
-- counted once per grouping, so a page reads a few rows per day instead of every message of the window. A page
-- reads the rollup only for days it is current for, and counts everything else from the rows: the window's edges,
-- today, and any day never rolled up or changed since. Rolled up on demand by the analytics read
-- (src/db/repositories/analytics-rollup.ts); no backfill here.

-- The days rolled up. Deleting one deletes its rows below.
CREATE TABLE analytics_days (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  day date NOT NULL,
  rolled_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, day)
);

-- One row per day, grouping and key: the funnel's counts (the page's first query).
CREATE TABLE analytics_funnel_days (
  tenant_id uuid NOT NULL,
  day date NOT NULL,
  group_by text NOT NULL,
  key text NOT NULL,
  accepted integer NOT NULL,
  sent integer NOT NULL,
  delivered integer NOT NULL,
  read integer NOT NULL,
  failed integer NOT NULL,
  recovered integer NOT NULL,
  PRIMARY KEY (tenant_id, day, group_by, key),
  FOREIGN KEY (tenant_id, day) REFERENCES analytics_days ON DELETE CASCADE
);

-- Failed messages by reason (the second query).
CREATE TABLE analytics_failure_days (
  tenant_id uuid NOT NULL,
  day date NOT NULL,
  group_by text NOT NULL,
  key text NOT NULL,
  reason text NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (tenant_id, day, group_by, key, reason),
  FOREIGN KEY (tenant_id, day) REFERENCES analytics_days ON DELETE CASCADE
);

-- Attempts by the recipient's country and billable category: failovers and billable attempts (the third query;
-- country and category are null as the query answers them, so there is no primary key).
CREATE TABLE analytics_attempt_days (
  tenant_id uuid NOT NULL,
  day date NOT NULL,
  group_by text NOT NULL,
  key text NOT NULL,
  country text,
  category text,
  failovers integer NOT NULL,
  billable integer NOT NULL,
  FOREIGN KEY (tenant_id, day) REFERENCES analytics_days ON DELETE CASCADE
);
CREATE INDEX analytics_attempt_days_day ON analytics_attempt_days (tenant_id, day, group_by);

-- Which closed days changed, one row per writing transaction: a day with a row here is counted from the messages
-- until the next rollup, which deletes only the rows its snapshot sees (their changes are in it). One row per
-- transaction, never shared, so a change still being written cannot hide behind another transaction's row that
-- the rollup deletes. No foreign key: a tenant's deletion cascades into messages, whose trigger writes here.
CREATE TABLE analytics_stale (
  tenant_id uuid NOT NULL,
  day date NOT NULL,
  writer xid8 NOT NULL,
  PRIMARY KEY (tenant_id, day, writer)
);

CREATE FUNCTION analytics_stale_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO analytics_stale (tenant_id, day, writer)
    VALUES (OLD.tenant_id, (OLD.created_at AT TIME ZONE 'UTC')::date, pg_current_xact_id())
    ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO analytics_stale (tenant_id, day, writer)
    VALUES (NEW.tenant_id, (NEW.created_at AT TIME ZONE 'UTC')::date, pg_current_xact_id())
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION analytics_stale_attempt() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  message uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.message_id ELSE NEW.message_id END;
BEGIN
  INSERT INTO analytics_stale (tenant_id, day, writer)
  SELECT m.tenant_id, (m.created_at AT TIME ZONE 'UTC')::date, pg_current_xact_id()
    FROM messages m
   WHERE m.id = message AND m.created_at < date_trunc('day', now(), 'UTC')
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

-- Only rows of days before the writer's own day (by its transaction's start) are marked: today's traffic, the
-- bulk of the writes, costs one comparison per row. A writer that began on the day itself marks nothing, which is
-- why a day is rolled up only once every transaction that began before its end has finished.
CREATE TRIGGER analytics_stale_insert AFTER INSERT ON messages FOR EACH ROW
  WHEN (NEW.created_at < date_trunc('day', now(), 'UTC'))
  EXECUTE FUNCTION analytics_stale_message();
CREATE TRIGGER analytics_stale_delete AFTER DELETE ON messages FOR EACH ROW
  WHEN (OLD.created_at < date_trunc('day', now(), 'UTC'))
  EXECUTE FUNCTION analytics_stale_message();
-- Only the columns the analytics count: a campaign's queue bookkeeping on yesterday's recipients marks nothing.
CREATE TRIGGER analytics_stale_update AFTER UPDATE ON messages FOR EACH ROW
  WHEN ((OLD.created_at < date_trunc('day', now(), 'UTC') OR NEW.created_at < date_trunc('day', now(), 'UTC'))
    AND (OLD.tenant_id, OLD.created_at, OLD.status, OLD.delivered_via, OLD.failure, OLD.recipient_country,
         OLD.campaign_id, OLD.template_key)
        IS DISTINCT FROM (NEW.tenant_id, NEW.created_at, NEW.status, NEW.delivered_via, NEW.failure,
         NEW.recipient_country, NEW.campaign_id, NEW.template_key))
  EXECUTE FUNCTION analytics_stale_message();

-- An attempt counts by its message's day: added or removed (the latest attempt's WABA and number, failovers),
-- or priced (cost). The function looks the message's day up; the status folds that leave pricing as it was mark
-- nothing.
CREATE TRIGGER analytics_stale_attempt_insert AFTER INSERT ON message_attempts FOR EACH ROW
  EXECUTE FUNCTION analytics_stale_attempt();
CREATE TRIGGER analytics_stale_attempt_delete AFTER DELETE ON message_attempts FOR EACH ROW
  EXECUTE FUNCTION analytics_stale_attempt();
CREATE TRIGGER analytics_stale_attempt_update AFTER UPDATE ON message_attempts FOR EACH ROW
  WHEN ((OLD.message_id, OLD.seq, OLD.kind, OLD.waba_id, OLD.phone_number_id, OLD.pricing)
        IS DISTINCT FROM (NEW.message_id, NEW.seq, NEW.kind, NEW.waba_id, NEW.phone_number_id, NEW.pricing))
  EXECUTE FUNCTION analytics_stale_attempt();
