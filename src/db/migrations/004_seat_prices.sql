-- 004: one definition of what a seat of a screening costs, used by the seat map and (later) by
-- holds and checkout, so the price shown is the price charged.
-- base = price_3d for a 3D screening, else price; + the theater's surcharge for the seat type;
-- + every price rule of the theater that matches the show's local weekday/weekend and time of day
-- (weekend = Saturday and Sunday, in the theater's time zone); never below 0.01.
-- p_seats limits the answer to some seats (a hold); NULL means every seat (the seat map).

-- PL/pgSQL rather than SQL: a SQL function that cannot be inlined is planned again on every call,
-- while PL/pgSQL keeps its plan for the session; holds call this on every attempt.
-- seat_prices(): its live body is src/db/functions/seat_prices.sql
