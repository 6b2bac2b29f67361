-- /metrics counts the dead letters on every scrape: an index on them alone keeps that a look-up
-- while sent messages pile up in the table.
CREATE INDEX outbox_dead ON outbox (created_at) WHERE status = 'dead';
