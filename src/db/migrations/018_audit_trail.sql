-- The audit trail (issue 15): who did what, with which role, from where; append-only.
-- actor_role: the role the actor acted in (a role can change later; the trail keeps what it was).
-- actor_label: who, in words, when there is no account to point at (a failed login's e-mail) or
-- the account may go (a partner key's name).
ALTER TABLE audit_log ADD COLUMN actor_role text;
ALTER TABLE audit_log ADD COLUMN actor_label text;

-- the read API's filters, newest first (keyset on id)
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_at ON audit_log (at);

-- How long rows are kept. One row, written at boot from AUDIT_RETENTION_DAYS (a change of it is
-- itself audited); the trigger below lets DELETE remove only rows older than this.
CREATE TABLE audit_retention (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  days     integer NOT NULL CHECK (days >= 1)
);
INSERT INTO audit_retention (days) VALUES (730);

-- Append-only: no UPDATE ever; DELETE only of rows past retention (the purge job); no TRUNCATE.
-- A schema function (the trigger depends on it), so it lives here and not in functions/.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND OLD.at < now() - make_interval(days => (SELECT days FROM audit_retention)) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END $$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
