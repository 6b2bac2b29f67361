CREATE OR REPLACE FUNCTION take_seats(p_hold uuid, p_screening integer, p_user integer, p_seats integer[], p_ttl_seconds integer,
                           p_max_life_seconds integer, p_cooldown_seconds integer, p_account_seats integer, p_screening_seats integer)
  RETURNS TABLE (reserved_until timestamptz, total_amount numeric, prices numeric[], map_version bigint,
                 released_holds uuid[], released_seats integer[])
  LANGUAGE sql
AS $$ SELECT * FROM take_seats_core(p_hold, p_screening, p_user, p_seats, p_ttl_seconds, true,
                                    p_max_life_seconds, p_cooldown_seconds, p_account_seats, p_screening_seats) $$;
