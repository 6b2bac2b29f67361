// A year of history for one cinema chain, for the report benchmark (bench/reports.ts): cities,
// theaters in three Indonesian time zones, halls with seats, a catalog of movies with release runs,
// four shows a day in every hall, and the sales of that year (tickets, seats, captured payments,
// refunds full and partial, a few cancelled shows, check-ins), consistent with each other the way the
// service writes them: a sold screening seat has its sold ticket seat, a refunded seat is available
// again, payments carry their refunded amounts, available_seats counts what is left.
//
// Set-based SQL on one connection, on a database the API has migrated. Triggers and foreign-key
// checks are off for the load (session_replication_role = replica; the rows are consistent by
// construction) and the report rollups are rebuilt from the ledger at the end, as an operator would
// after a bulk import. Sizes are options; the defaults are the issue's: 20 theaters, 100 halls,
// about a million sold seats.
import pg from 'pg';
import { log } from './common.ts';

export interface HistoryOptions {
  theaters: number;
  hallsPerTheater: number;
  /** days of history, ending yesterday; the next 7 days are scheduled (and partly sold) too */
  days: number;
  showsPerDay: number;
  /** sold seats to aim at over the whole history (the result lands within a few per cent) */
  targetSeats: number;
  customers: number;
  movies: number;
}

export const DEFAULT_HISTORY: HistoryOptions = {
  theaters: 20,
  hallsPerTheater: 5,
  days: 365,
  showsPerDay: 4,
  targetSeats: 1_000_000,
  customers: 100_000,
  movies: 120,
};

export interface HistorySize {
  theaters: number;
  halls: number;
  seats: number;
  screenings: number;
  screening_seats: number;
  tickets: number;
  ticket_seats_sold: number;
  ticket_seats_refunded: number;
  payments_captured: number;
  refunds: number;
  cancelled_screenings: number;
  database_bytes: number;
  seconds: number;
}

// [city, province, time zone]: theaters go round these
const CITIES = [
  ['Jakarta Barat', 'DKI Jakarta', 'Asia/Jakarta'],
  ['Jakarta Selatan', 'DKI Jakarta', 'Asia/Jakarta'],
  ['Bekasi', 'Jawa Barat', 'Asia/Jakarta'],
  ['Semarang', 'Jawa Tengah', 'Asia/Jakarta'],
  ['Medan', 'Sumatera Utara', 'Asia/Jakarta'],
  ['Makassar', 'Sulawesi Selatan', 'Asia/Makassar'],
  ['Balikpapan', 'Kalimantan Timur', 'Asia/Makassar'],
  ['Jayapura', 'Papua', 'Asia/Jayapura'],
] as const;

/** Fills the database at `url` (already migrated) with the history; returns what it made. */
export async function generateHistory(url: string, o: HistoryOptions = DEFAULT_HISTORY): Promise<HistorySize> {
  const t0 = performance.now();
  const c = new pg.Client({ connectionString: url, application_name: 'cinema-bench-history' });
  await c.connect();
  const step = async (what: string, sql: string, params: unknown[] = []) => {
    const t = performance.now();
    const r = await c.query(sql, params);
    log(`history: ${what} (${Math.round(performance.now() - t)} ms${r.rowCount ? `, ${r.rowCount} rows` : ''})`);
    return r;
  };
  try {
    await c.query(`SET synchronous_commit = off; SET work_mem = '256MB'; SET maintenance_work_mem = '512MB';
                   SET session_replication_role = replica; SELECT setseed(0.42)`);
    await c.query('BEGIN');
    const cities = CITIES.map(([name, province, tz]) => ({ name: `${name} (history)`, province, tz }));
    await step(
      'cities and theaters',
      `WITH c AS (
         INSERT INTO cities (name, province) SELECT x->>'name', x->>'province' FROM jsonb_array_elements($1::jsonb) x RETURNING id, name)
       INSERT INTO theaters (city_id, name, address, time_zone)
       SELECT c.id, 'Chain ' || lpad(n::text, 2, '0') || ' ' || split_part(c.name, ' (', 1), 'Jl. Sejarah No. ' || n, x->>'tz'
         FROM generate_series(1, $2::int) n
         JOIN jsonb_array_elements($1::jsonb) WITH ORDINALITY AS j(x, i) ON j.i = 1 + (n - 1) % jsonb_array_length($1::jsonb)
         JOIN c ON c.name = x->>'name'`,
      [JSON.stringify(cities), o.theaters],
    );
    await c.query(`CREATE TEMP TABLE h_theaters AS SELECT id, time_zone FROM theaters WHERE name LIKE 'Chain %' AND address LIKE 'Jl. Sejarah%'`);
    // halls from 8 x 12 to 14 x 20 seats; the first hall of a theater is its big one
    await step(
      'halls',
      `INSERT INTO halls (theater_id, name, capacity, screen_type, layout)
       SELECT t.id, 'Studio ' || k, 0, CASE WHEN k = 1 THEN 'IMAX' ELSE 'Standard' END,
              jsonb_build_object('rows', CASE WHEN k = 1 THEN 14 ELSE 8 + ((t.id * 7 + k * 3) % 5) END,
                                 'cols', CASE WHEN k = 1 THEN 20 ELSE 12 + ((t.id * 5 + k) % 7) END)
         FROM h_theaters t, generate_series(1, $1::int) k`,
      [o.hallsPerTheater],
    );
    await c.query(`CREATE TEMP TABLE h_halls AS
                     SELECT h.id, h.theater_id, (h.layout->>'rows')::int AS nrows, (h.layout->>'cols')::int AS ncols, h.screen_type = 'IMAX' AS big
                       FROM halls h JOIN h_theaters t ON t.id = h.theater_id`);
    await step(
      'seats',
      `INSERT INTO seats (hall_id, row_label, number, seat_type, x, y)
       SELECT h.id, chr(64 + r), s, CASE WHEN r = h.nrows THEN 'vip' ELSE 'regular' END, s - 1, r - 1
         FROM h_halls h, generate_series(1, h.nrows) r, generate_series(1, h.ncols) s`,
    );
    await c.query(`UPDATE halls h SET capacity = x.n, layout = '{}'
                     FROM (SELECT hall_id, count(*)::int AS n FROM seats GROUP BY 1) x WHERE x.hall_id = h.id AND h.id IN (SELECT id FROM h_halls)`);
    // each hall's seats in the order buyers take them: the middle-back rows first, then outwards
    await c.query(`CREATE TEMP TABLE h_seat_rank AS
                     SELECT s.hall_id, s.id AS seat_id,
                            row_number() OVER (PARTITION BY s.hall_id ORDER BY abs(s.y - h.nrows * 0.65), s.y, abs(s.x - h.ncols / 2.0), s.x)::int AS rank
                       FROM seats s JOIN h_halls h ON h.id = s.hall_id`);
    await c.query('CREATE INDEX ON h_seat_rank (hall_id, rank)');

    // movies: a release every few days through the year, runs of 3 to 8 weeks, a few blockbusters
    await step(
      'movies',
      `INSERT INTO movies (title, duration, genre, rating, language, release_date, end_date, description)
       SELECT 'History Feature ' || lpad(n::text, 3, '0'), 90 + (n * 37) % 60, ARRAY[(ARRAY['Action','Drama','Horror','Comedy','Animation'])[1 + n % 5]],
              (ARRAY['SU','R13+','D17+'])[1 + n % 3], (ARRAY['Indonesian','English'])[1 + n % 2],
              current_date - ($2::int + 30) + ((n - 1) * ($2::int + 37) / $1::int),
              current_date - ($2::int + 30) + ((n - 1) * ($2::int + 37) / $1::int) + 21 + (n * 13) % 36,
              'Generated for the report benchmark'
         FROM generate_series(1, $1::int) n`,
      [o.movies, o.days],
    );
    // popularity: a heavy tail, one movie in eight a blockbuster
    await c.query(`CREATE TEMP TABLE h_movies AS
                     SELECT id, release_date, end_date, duration,
                            CASE WHEN id % 8 = 0 THEN 6.0 ELSE 0.4 + random() * 1.6 END AS pop
                       FROM movies WHERE title LIKE 'History Feature %'`);

    // screenings: showsPerDay slots from 11:00 local, 3 hours apart, each slot's movie drawn among
    // those running that day, weighted by popularity (exponential race: the smallest -ln(u)/w wins)
    await step(
      'screenings',
      `WITH slots AS (
         SELECT h.id AS hall_id, h.theater_id, h.big, t.time_zone, d::date AS day, k
           FROM h_halls h JOIN h_theaters t ON t.id = h.theater_id,
                generate_series(current_date - $1::int, current_date + 6, interval '1 day') d, generate_series(0, $2::int - 1) k)
       INSERT INTO screenings (movie_id, theater_id, hall_id, show_time, end_time, price, available_seats, status, created_at)
       SELECT m.id, s.theater_id, s.hall_id, st, st + make_interval(mins => m.duration),
              CASE WHEN extract(isodow FROM s.day) >= 5 THEN 55000 ELSE 40000 END + CASE WHEN s.big THEN 20000 ELSE 0 END,
              0, 'scheduled', st - interval '14 days'
         FROM slots s
         CROSS JOIN LATERAL (SELECT (s.day + make_interval(hours => 11 + 3 * s.k)) AT TIME ZONE s.time_zone AS st) x
         CROSS JOIN LATERAL (
           SELECT mv.id, mv.duration FROM h_movies mv
            WHERE s.day BETWEEN mv.release_date AND mv.end_date AND s.hall_id > 0
            ORDER BY -ln(1 - random()) / mv.pop LIMIT 1) m`,
      [o.days, o.showsPerDay],
    );
    await c.query(`CREATE TEMP TABLE h_screenings AS
                     SELECT s.id, s.hall_id, s.theater_id, s.movie_id, s.show_time, s.end_time, s.price, h.big,
                            (s.show_time AT TIME ZONE t.time_zone) AS local_start, t.time_zone
                       FROM screenings s JOIN h_halls h ON h.id = s.hall_id JOIN h_theaters t ON t.id = s.theater_id`);
    await c.query('ALTER TABLE h_screenings ADD PRIMARY KEY (id)');

    // how full each show is: evening and weekend shows fuller, a movie's first weeks fuller, noise;
    // then scaled so the history sells about targetSeats (future shows sell what was bought so far)
    await c.query(`CREATE TEMP TABLE h_demand AS
      SELECT s.id, s.hall_id, hc.capacity,
             (CASE extract(hour FROM s.local_start)::int WHEN 11 THEN 0.35 WHEN 14 THEN 0.6 WHEN 17 THEN 1.0 ELSE 1.5 END)
             * (CASE WHEN extract(isodow FROM s.local_start) >= 6 THEN 1.8 WHEN extract(isodow FROM s.local_start) = 5 THEN 1.3 ELSE 1.0 END)
             * m.pop * exp(-greatest(0, s.local_start::date - m.release_date) / 14.0) * (0.3 + random() * 1.4)
             * CASE WHEN s.show_time > now() THEN greatest(0.05, 1 - extract(epoch FROM s.show_time - now()) / 604800.0) ELSE 1 END AS raw
        FROM h_screenings s JOIN h_movies m ON m.id = s.movie_id JOIN halls hc ON hc.id = s.hall_id`);
    const { rows: scale } = await c.query<{ f: number }>(`SELECT $1::float8 / sum(raw * capacity) AS f FROM h_demand`, [o.targetSeats]);
    await c.query(
      `CREATE TEMP TABLE h_sold AS
         SELECT id, hall_id, least(capacity, round(raw * capacity * $1::float8))::int AS sold,
                (CASE WHEN r < 0.2 THEN 1 WHEN r < 0.8 THEN 2 WHEN r < 0.93 THEN 3 ELSE 4 END) AS party
           FROM (SELECT *, random() AS r FROM h_demand) d`,
      [scale[0].f],
    );
    await c.query('ALTER TABLE h_sold ADD PRIMARY KEY (id)');

    // sold seats, grouped into tickets of `party` adjacent-ish seats
    await step(
      'sale seats',
      `CREATE TEMP TABLE h_sale_seats AS
         SELECT d.id AS screening_id, r.seat_id, (r.rank - 1) / d.party AS ticket_no
           FROM h_sold d JOIN h_seat_rank r ON r.hall_id = d.hall_id AND r.rank <= d.sold`,
    );
    await c.query('CREATE INDEX ON h_sale_seats (screening_id, ticket_no)');
    const { rows: cust } = await c.query<{ first: number }>(
      `WITH u AS (INSERT INTO users (email, password_hash, full_name, role)
                  SELECT 'history' || n || '@example.com', '!', 'History Customer ' || n, 'customer' FROM generate_series(1, $1::int) n RETURNING id)
       SELECT min(id) AS first FROM u`,
      [o.customers],
    );
    // one ticket per group: bought 30 minutes to 10 days before the show (mostly the last two days)
    await step(
      'tickets',
      `CREATE TEMP TABLE h_tickets AS
         SELECT gen_random_uuid() AS id, g.screening_id, g.ticket_no, g.seats,
                least(s.show_time - interval '30 minutes', greatest(s.show_time - interval '10 days',
                      s.show_time - make_interval(secs => -ln(1 - random()) * 150000))) AS purchase_time,
                (ARRAY['qris','qris','qris','qris','ewallet','ewallet','ewallet','card','card','bank_transfer'])[1 + floor(random() * 10)::int] AS method,
                $1::int + floor(random() * $2::int)::int AS user_id, s.price
           FROM (SELECT screening_id, ticket_no, count(*)::int AS seats FROM h_sale_seats GROUP BY 1, 2) g
           JOIN h_screenings s ON s.id = g.screening_id`,
      [cust[0].first, o.customers],
    );
    await c.query(`DELETE FROM h_tickets WHERE purchase_time > now()`);
    await c.query(
      `DELETE FROM h_sale_seats x WHERE NOT EXISTS (SELECT 1 FROM h_tickets t WHERE t.screening_id = x.screening_id AND t.ticket_no = x.ticket_no)`,
    );
    await c.query(`ALTER TABLE h_tickets ADD COLUMN fee numeric(12,2), ADD COLUMN n bigint`);
    await c.query(`UPDATE h_tickets t SET fee = round(pm.fee_fixed + t.price * t.seats * pm.fee_rate_bp / 10000.0)
                     FROM payment_methods pm WHERE pm.code = t.method`);
    await c.query(
      `UPDATE h_tickets t SET n = x.n FROM (SELECT id, row_number() OVER (ORDER BY purchase_time) AS n FROM h_tickets) x WHERE x.id = t.id`,
    );
    await c.query('CREATE INDEX ON h_tickets (screening_id, ticket_no)');

    // what happened after the sale: a few shows cancelled (everything refunded in full), about 3 %
    // of tickets refunded by their customer before the show (90 %, fee kept), about 1 % partly (one seat)
    await c.query(`CREATE TEMP TABLE h_cancelled AS
                     SELECT id, show_time FROM h_screenings WHERE show_time < now() - interval '1 day' AND random() < 0.002`);
    await c.query(`CREATE TEMP TABLE h_refunds AS
      SELECT gen_random_uuid() AS id, t.id AS ticket_id, t.screening_id, t.ticket_no, 'cinema' AS initiated_by, 'Screening cancelled: projector failure' AS reason,
             t.seats AS seats_back, t.price * t.seats + t.fee AS amount, t.fee AS fee_amount, x.show_time - interval '3 hours' AS at
        FROM h_tickets t JOIN h_cancelled x ON x.id = t.screening_id
      UNION ALL
      SELECT gen_random_uuid(), t.id, t.screening_id, t.ticket_no, 'customer', (ARRAY['Change of plans','Booked the wrong time','Feeling unwell'])[1 + floor(random() * 3)::int],
             CASE WHEN t.r < 0.03 THEN t.seats ELSE 1 END,
             round(t.price * CASE WHEN t.r < 0.03 THEN t.seats ELSE 1 END * 0.9), 0,
             t.purchase_time + (s.show_time - t.purchase_time) * random() * 0.8
        FROM (SELECT *, random() AS r FROM h_tickets) t JOIN h_screenings s ON s.id = t.screening_id
       WHERE t.screening_id NOT IN (SELECT id FROM h_cancelled) AND (t.r < 0.03 OR (t.r < 0.04 AND t.seats > 1))
         AND s.show_time - t.purchase_time > interval '3 hours'`);
    await c.query(`DELETE FROM h_refunds WHERE at > now()`);
    await c.query('CREATE INDEX ON h_refunds (ticket_id)');

    await step(
      'tickets rows',
      `INSERT INTO tickets (id, booking_code, user_id, screening_id, status, total_amount, fee_amount, payment_method, purchase_time, created_at, updated_at)
       SELECT t.id, 'H' || lpad(upper(to_hex(t.n)), 7, '0'), t.user_id, t.screening_id,
              CASE WHEN r.id IS NULL THEN 'paid' WHEN r.seats_back = t.seats THEN 'refunded' ELSE 'partially_refunded' END,
              t.price * t.seats + t.fee, t.fee, t.method, t.purchase_time, t.purchase_time - interval '2 minutes', coalesce(r.at, t.purchase_time)
         FROM h_tickets t LEFT JOIN h_refunds r ON r.ticket_id = t.id`,
    );
    await step(
      'payments',
      `INSERT INTO payments (ticket_id, gateway, gateway_payment_id, method, amount, fee, status, refunded_amount, captured_at, created_at, updated_at)
       SELECT t.id, 'history', 'hist_' || t.n, t.method, t.price * t.seats + t.fee, t.fee,
              CASE WHEN r.id IS NULL THEN 'captured' WHEN r.amount = t.price * t.seats + t.fee THEN 'refunded' ELSE 'partially_refunded' END,
              coalesce(r.amount, 0), t.purchase_time, t.purchase_time - interval '90 seconds', coalesce(r.at, t.purchase_time)
         FROM h_tickets t LEFT JOIN h_refunds r ON r.ticket_id = t.id`,
    );
    await step(
      'refunds',
      `INSERT INTO refunds (id, ticket_id, payment_id, seat_ids, amount, fee_amount, status, reason, initiated_by, requested_by,
                            gateway_refund_id, request_time, process_time, created_at, updated_at)
       SELECT r.id, r.ticket_id, p.id,
              (SELECT array_agg(x.seat_id ORDER BY x.seat_id DESC) FROM (SELECT seat_id FROM h_sale_seats ss
                  WHERE ss.screening_id = r.screening_id AND ss.ticket_no = r.ticket_no ORDER BY seat_id DESC LIMIT r.seats_back) x),
              r.amount, r.fee_amount, 'succeeded', r.reason, r.initiated_by, CASE WHEN r.initiated_by = 'customer' THEN t.user_id END,
              'hist_rf_' || t.n, r.at, r.at + interval '1 minute', r.at, r.at + interval '1 minute'
         FROM h_refunds r JOIN h_tickets t ON t.id = r.ticket_id JOIN payments p ON p.ticket_id = r.ticket_id`,
    );
    await step(
      'ticket seats',
      `INSERT INTO ticket_seats (ticket_id, screening_id, seat_id, price, status, refund_id)
       SELECT t.id, ss.screening_id, ss.seat_id, t.price, CASE WHEN rf.id IS NULL THEN 'sold' ELSE 'refunded' END, rf.id
         FROM h_sale_seats ss JOIN h_tickets t ON t.screening_id = ss.screening_id AND t.ticket_no = ss.ticket_no
         LEFT JOIN refunds rf ON rf.ticket_id = t.id AND ss.seat_id = ANY (rf.seat_ids)`,
    );
    await step(
      'screening seats',
      `INSERT INTO screening_seats (screening_id, seat_id, status, ticket_id, updated_at)
       SELECT s.id, r.seat_id, CASE WHEN ts.ticket_id IS NULL THEN 'available' ELSE 'sold' END, ts.ticket_id, s.show_time - interval '14 days'
         FROM h_screenings s JOIN h_seat_rank r ON r.hall_id = s.hall_id
         LEFT JOIN ticket_seats ts ON ts.screening_id = s.id AND ts.seat_id = r.seat_id AND ts.status = 'sold'`,
    );
    await step(
      'counters, cancellations, check-ins',
      `UPDATE screenings s SET available_seats = x.free
         FROM (SELECT screening_id, count(*) FILTER (WHERE status = 'available')::int AS free FROM screening_seats
                WHERE screening_id IN (SELECT id FROM h_screenings) GROUP BY 1) x
        WHERE x.screening_id = s.id`,
    );
    await c.query(`UPDATE screenings SET status = 'cancelled', is_available = false, cancelled_at = show_time - interval '3 hours',
                          cancel_reason = 'Projector failure' WHERE id IN (SELECT id FROM h_cancelled)`);
    await c.query(`UPDATE tickets t SET checked_in_at = s.show_time - make_interval(mins => floor(random() * 25)::int)
                     FROM h_screenings s
                    WHERE s.id = t.screening_id AND t.status IN ('paid', 'partially_refunded') AND s.end_time < now() AND t.booking_code LIKE 'H%'
                      AND random() < 0.87`);
    await c.query('COMMIT');
    await c.query('SET session_replication_role = origin');
    await step('rollups rebuilt', 'SELECT report_rollups_rebuild()').catch(async (err: Error) => {
      // a database without rollups (an older schema): nothing to rebuild
      if (!/report_rollups_rebuild/.test(err.message)) throw err;
    });
    await step('vacuum analyze', 'VACUUM ANALYZE');
    return await size(c, (performance.now() - t0) / 1000);
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await c.end();
  }
}

async function size(c: pg.Client, seconds: number): Promise<HistorySize> {
  const { rows } = await c.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM h_theaters) AS theaters, (SELECT count(*) FROM h_halls) AS halls,
            (SELECT count(*) FROM seats WHERE hall_id IN (SELECT id FROM h_halls)) AS seats,
            (SELECT count(*) FROM h_screenings) AS screenings,
            (SELECT count(*) FROM screening_seats WHERE screening_id IN (SELECT id FROM h_screenings)) AS screening_seats,
            (SELECT count(*) FROM h_tickets) AS tickets,
            (SELECT count(*) FROM ticket_seats WHERE status = 'sold' AND screening_id IN (SELECT id FROM h_screenings)) AS ticket_seats_sold,
            (SELECT count(*) FROM ticket_seats WHERE status = 'refunded' AND screening_id IN (SELECT id FROM h_screenings)) AS ticket_seats_refunded,
            (SELECT count(*) FROM payments WHERE gateway = 'history' AND captured_at IS NOT NULL) AS payments_captured,
            (SELECT count(*) FROM h_refunds) AS refunds, (SELECT count(*) FROM h_cancelled) AS cancelled_screenings,
            pg_database_size(current_database()) AS database_bytes`,
  );
  const r = Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)])) as Omit<HistorySize, 'seconds'>;
  return { ...r, seconds: Math.round(seconds) };
}
