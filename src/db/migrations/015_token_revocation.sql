-- 015: access tokens that die before they expire (issue 12 item 7). An access token names its
-- session (the refresh-token family it came with, `sid`) and its user's token_version (`ver`).
-- Logging out or a reused refresh token revokes the family: its access tokens are refused.
-- A role or password change bumps token_version: every older access token of the user is refused
-- (a password change also revokes every family: the user logs in again everywhere else).

ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0;

-- a user's recently revoked families (the session check) and live families (a password change)
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id, revoked_at);
