-- Capacity reservations shared by every worker (docs/capacity.md): per-number throughput and per-(number,
-- recipient) pair-rate slots as GCRA "theoretical arrival times", and the portfolio messaging limit as a
-- maintained count of unique recipients over a rolling 24 h kept in per-minute buckets. Every decision reads or
-- updates a handful of rows, however many recipients the window holds.

-- Throughput: the time the number's next send may leave (ms since the epoch), its nominal limit per second, and
-- its recent send rate (reservations decayed with a 1 s time constant) for the resolver's headroom weighting.
CREATE TABLE capacity_phone_slots (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  phone_number_id text NOT NULL,
  tat_ms double precision NOT NULL,
  per_second integer NOT NULL,
  recent double precision NOT NULL,
  recent_at_ms bigint NOT NULL,
  PRIMARY KEY (tenant_id, phone_number_id)
);

-- Pair rate (131056): the same per (number, recipient).
CREATE TABLE capacity_pair_slots (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  phone_number_id text NOT NULL,
  wa_id text NOT NULL,
  tat_ms double precision NOT NULL,
  PRIMARY KEY (tenant_id, phone_number_id, wa_id)
);
CREATE INDEX capacity_pair_slots_tat ON capacity_pair_slots (tat_ms);

-- Recipients counted in a portfolio's window: `counted_at_ms` opens it; a send within 24 h of it costs nothing.
CREATE TABLE capacity_recipients (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  portfolio_id text NOT NULL,
  wa_id text NOT NULL,
  counted_at_ms bigint NOT NULL,
  PRIMARY KEY (tenant_id, portfolio_id, wa_id)
);
CREATE INDEX capacity_recipients_wa_id ON capacity_recipients (tenant_id, wa_id);
CREATE INDEX capacity_recipients_counted ON capacity_recipients (counted_at_ms);

-- Recipients newly counted per portfolio and minute (minute = floor(ms / 60000)).
CREATE TABLE capacity_portfolio_minutes (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  portfolio_id text NOT NULL,
  minute bigint NOT NULL,
  recipients integer NOT NULL,
  PRIMARY KEY (tenant_id, portfolio_id, minute)
);

-- The maintained count: recipients of the buckets after `expired_through` (older buckets have left the window).
CREATE TABLE capacity_portfolios (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  portfolio_id text NOT NULL,
  used integer NOT NULL DEFAULT 0,
  expired_through bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, portfolio_id)
);

-- Carry the current window over from the check-then-act ledger it replaces, so a deploy forgets no recipient.
INSERT INTO capacity_recipients (tenant_id, portfolio_id, wa_id, counted_at_ms)
SELECT tenant_id, portfolio_id, wa_id, (extract(epoch FROM last_sent_at) * 1000)::bigint
  FROM usage_recipients WHERE last_sent_at > now() - interval '24 hours';
INSERT INTO capacity_portfolio_minutes (tenant_id, portfolio_id, minute, recipients)
SELECT tenant_id, portfolio_id, counted_at_ms / 60000, count(*) FROM capacity_recipients GROUP BY 1, 2, 3;
INSERT INTO capacity_portfolios (tenant_id, portfolio_id, used)
SELECT tenant_id, portfolio_id, count(*) FROM capacity_recipients GROUP BY 1, 2;

DROP TABLE usage_recipients;
DROP TABLE usage_phone_seconds;
