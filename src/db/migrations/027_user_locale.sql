-- The language an account's messages and e-tickets are written in ('en' or 'id', the web app's two),
-- chosen in the web app. An expand step: older instances insert users without it and get 'en', the
-- default every existing account takes.
ALTER TABLE users ADD COLUMN locale text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'id'));
