-- The request that queued a message (x-request-id), so the worker's log lines about it, written
-- later and maybe on another instance, can be joined to the request's. Nullable: messages queued by
-- jobs and before this column have none. Adding a nullable column is safe while older instances
-- still write rows without it.
ALTER TABLE outbox ADD COLUMN request_id text;
