-- 002: read paths. Timestamps rendered by PostgreSQL exactly as JavaScript's toISOString() does, so
-- list endpoints can build their JSON in the database and every route prints times the same way;
-- and an index for the upcoming-and-open screening list.

CREATE FUNCTION iso8601(t timestamptz) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');

CREATE INDEX screenings_open_time ON screenings (show_time, id) WHERE is_available AND status = 'scheduled';
