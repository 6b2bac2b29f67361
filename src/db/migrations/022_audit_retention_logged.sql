-- A change of the audit retention is an audit entry whoever makes it, the service at boot or anyone
-- with SQL: shortening it is the one way to make young entries deletable, so it cannot be done
-- quietly. Removing the retention row would let nothing be deleted at all (the DELETE trigger then
-- refuses every row), so that fails closed.
CREATE FUNCTION audit_retention_logged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.days IS DISTINCT FROM OLD.days THEN
    INSERT INTO audit_log (actor_id, actor_role, actor_label, action, entity, entity_id, before, after)
    VALUES (NULL, 'system', current_user, 'audit.retention_change', 'audit_retention', NULL,
            jsonb_build_object('days', OLD.days), jsonb_build_object('days', NEW.days));
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER audit_retention_logged AFTER UPDATE ON audit_retention FOR EACH ROW EXECUTE FUNCTION audit_retention_logged();
