CREATE OR REPLACE FUNCTION title_query(p_text text, p_prefix boolean) RETURNS tsquery
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  WITH words AS (
    SELECT w.lexeme, (SELECT max(x) FROM unnest(w.positions) AS x) AS at
      FROM unnest(to_tsvector('simple', search_fold(p_text))) AS w)
  SELECT string_agg(quote_literal(lexeme)
                    || CASE WHEN p_prefix AND at = (SELECT max(at) FROM words) AND p_text !~ '[[:space:][:punct:]]$'
                            THEN ':*' ELSE '' END,
                    ' & ')::tsquery
    FROM words
$$;
