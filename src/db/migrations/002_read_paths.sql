-- 002: read paths. Timestamps rendered by PostgreSQL exactly as JavaScript's toISOString() does, so
-- list endpoints can build their JSON in the database and every route prints times the same way;
-- and an index for the upcoming-and-open screening list.

-- iso8601(): its live body is src/db/functions/iso8601.sql

CREATE INDEX screenings_open_time ON screenings (show_time, id) WHERE is_available AND status = 'scheduled';
