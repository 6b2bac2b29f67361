-- Partner API keys (issue 15). The secret is shown once and stored as its SHA-256: a key is 32
-- random bytes, so a fast hash is enough (nothing to brute-force, unlike a password). `prefix` is
-- the visible part, also the look-up. A key acts as its partner's account (`account_id`, a customer
-- account made for the partner), with its scopes, never as an admin.
CREATE TABLE api_keys (
  id                    uuid PRIMARY KEY,
  name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  prefix                text NOT NULL UNIQUE,
  secret_sha256         text NOT NULL,
  scopes                text[] NOT NULL,
  theater_ids           integer[],
  account_id            integer NOT NULL REFERENCES users (id),
  rate_limit_per_minute integer NOT NULL CHECK (rate_limit_per_minute > 0),
  created_by            integer REFERENCES users (id),
  created_at            timestamptz NOT NULL DEFAULT now(),
  -- set on rotation: the old key works until then (the grace period), then never again
  expires_at            timestamptz,
  rotated_to            uuid REFERENCES api_keys (id),
  revoked_at            timestamptz,
  last_used_at          timestamptz
);
