-- 016: title search by words, whatever their case and accents, best match first. "dune part" found
-- nothing: the search was one ILIKE '%dune part%' over the title.
-- Built-in full text search with the 'simple' configuration (no stemming, no stop words: titles
-- are names, in any language), so no extension is needed: unaccent and pg_trgm are contrib
-- modules a managed PostgreSQL may not offer, and PGlite loads them only when asked to.
-- Accents are folded by Unicode decomposition (NFD) with the combining marks removed, plus the few
-- Latin letters that do not decompose (ø, ł, đ, ħ, ı, ß). normalize() needs a UTF8 database,
-- which both engines are.

CREATE FUNCTION search_fold(p text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT replace(translate(lower(regexp_replace(normalize(p, NFD), '[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]', '', 'g')),
                           'øłđħı', 'oldhi'),
                 'ß', 'ss')
$$;

-- The words of a title, folded; stored so a search does not parse every title again.
ALTER TABLE movies ADD COLUMN title_words tsvector
  GENERATED ALWAYS AS (to_tsvector('simple', search_fold(title))) STORED;

-- A search text as a query: every word must be in the title. With p_prefix, the last word may be
-- the beginning of a longer one (someone typing "dune pa" is on the way to "part"), unless the text
-- ends after it ("100%" means the number 100). NULL when the text has no words.
-- title_query(): its live body is src/db/functions/title_query.sql
