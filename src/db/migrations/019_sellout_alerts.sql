-- Near-sold-out alerts (issue 15). A screening's sold share crossing one of its theater's
-- thresholds, up or back down, raises one alert per threshold crossed.
-- The thresholds, percent of sellable seats sold, ascending; the lowest is also where customers
-- see "almost full".
ALTER TABLE theaters ADD COLUMN sellout_alert_percents smallint[] NOT NULL DEFAULT '{80,95,100}'
  CHECK (cardinality(sellout_alert_percents) BETWEEN 1 AND 5 AND 1 <= ALL (sellout_alert_percents) AND 100 >= ALL (sellout_alert_percents));

-- The highest threshold a screening's sold share is at or above, as last decided (0: none). The
-- row is locked while the share is counted and compared, so two instances deciding at once decide
-- in turn, the second seeing the first's decision: one alert per crossing.
CREATE TABLE sellout_levels (
  screening_id integer PRIMARY KEY REFERENCES screenings (id) ON DELETE CASCADE,
  percent      smallint NOT NULL DEFAULT 0,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sellout_alerts (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  screening_id integer NOT NULL REFERENCES screenings (id) ON DELETE CASCADE,
  threshold    smallint NOT NULL,
  direction    text NOT NULL CHECK (direction IN ('up', 'down')),
  sold         integer NOT NULL,
  sellable     integer NOT NULL,
  raised_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sellout_alerts_screening ON sellout_alerts (screening_id, id);

-- alerts also go to an outgoing webhook, through the outbox like every other message
ALTER TABLE outbox DROP CONSTRAINT outbox_channel_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_channel_check CHECK (channel IN ('email', 'sms', 'event', 'webhook'));
