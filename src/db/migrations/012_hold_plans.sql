-- 012: hold functions keep one plan per session. PL/pgSQL prepares each statement once, but with
-- plan_cache_mode = auto PostgreSQL may still build a custom plan on every execution when it judges
-- the generic one no cheaper; for these short index lookups that planning was most of the work:
-- a loop of take_seats_batch on one connection went from ~1,340 to ~3,300 holds/s with generic
-- plans (pg_stat_user_functions: seat_prices from 0.30 to 0.05 ms per call). Their statements look
-- rows up by key; a generic plan is the right plan for every argument.
ALTER FUNCTION seat_prices(integer, integer[]) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION take_seats_core(uuid, integer, integer, integer[], integer, boolean) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION take_seats_batch(uuid[], integer[], integer[], integer[], integer[], integer) SET plan_cache_mode = force_generic_plan;
