// Demo catalog for the embedded default and local development: three accounts, five theaters in four
// cities (one on Bali, in another time zone), ten halls and a week of screenings with their seat rows.
// Everything is set-based SQL inside one transaction, so a failed seed leaves nothing behind and PGlite
// seeds in well under a second on PostgreSQL and about a second on PGlite (~40k screening_seats rows).
import { verifyPassword } from '../../modules/auth/index.ts';
import type { Db, Sql } from '../client.ts';
import { DEMO } from './demo-ids.ts';
import { makeLayout, type LayoutOptions } from './layouts.ts';

const M = DEMO.movies;

// the seed's documented default login, kept so its Postman collection works, and its bcrypt hash
const DEMO_PASSWORD = 'password';
const PASSWORD_HASH = '$2a$10$92IXUNpkjO0rOQ5byMi.Ye4oKoEa3Ro9llC/.og/at2.uheWG/igi';
const SEED_LOCK_KEY = 724_002; // two instances booting on an empty database seed once
const GAP = 15; // cleaning gap, the default CLEANING_GAP_MINUTES
const SLOT = 15; // shows start on the quarter hour
const DAY_SPAN = 13 * 60 + 30; // first show at 10:00 local, last start at 23:30 at the latest
const EVENING = 11 * 60 + 30; // when a day fills early, spread it so the last show starts by 21:30
const HALL_1_MAX_DAYS = 7; // a test schedules hall 1 at +60 days and must not meet seeded shows

const users = [
  {
    id: DEMO.users.admin,
    email: 'admin@cinema.com',
    role: 'admin',
    full_name: 'Admin User',
    phone_number: '08123456789',
    date_of_birth: '1990-01-01',
  },
  {
    id: DEMO.users.staff,
    email: 'staff@cinema.com',
    role: 'staff',
    full_name: 'Staff User',
    phone_number: '08123456780',
    date_of_birth: '1992-05-12',
  },
  {
    id: DEMO.users.customer,
    email: 'customer@cinema.com',
    role: 'customer',
    full_name: 'Customer User',
    phone_number: '08129876543',
    date_of_birth: '1998-09-23',
  },
];

const cities = [
  { id: DEMO.cities.jakarta, name: 'Jakarta', province: 'DKI Jakarta' },
  { id: DEMO.cities.bandung, name: 'Bandung', province: 'Jawa Barat' },
  { id: DEMO.cities.surabaya, name: 'Surabaya', province: 'Jawa Timur' },
  { id: DEMO.cities.denpasar, name: 'Denpasar', province: 'Bali' },
];

const theaters = [
  {
    id: DEMO.theaters.grandIndonesia,
    city_id: DEMO.cities.jakarta,
    name: 'Cinema XXI Grand Indonesia',
    address: 'Jl. M.H. Thamrin No.1, Jakarta',
    contact_phone: '021-1234567',
    contact_email: 'gi@cinema21.com',
    time_zone: 'Asia/Jakarta',
  },
  {
    id: DEMO.theaters.pacificPlace,
    city_id: DEMO.cities.jakarta,
    name: 'CGV Pacific Place',
    address: 'Jl. Jend. Sudirman Kav. 52-53, Jakarta',
    contact_phone: '021-7654321',
    contact_email: 'pp@cgv.com',
    time_zone: 'Asia/Jakarta',
  },
  {
    id: DEMO.theaters.parisVanJava,
    city_id: DEMO.cities.bandung,
    name: 'CGV Paris Van Java',
    address: 'Jl. Sukajadi No.131-139, Bandung',
    contact_phone: '022-82063630',
    contact_email: 'pvj@cgv.com',
    time_zone: 'Asia/Jakarta',
  },
  {
    id: DEMO.theaters.tunjunganPlaza,
    city_id: DEMO.cities.surabaya,
    name: 'Cinema XXI Tunjungan Plaza',
    address: 'Jl. Basuki Rahmat No.8-12, Surabaya',
    contact_phone: '031-5311088',
    contact_email: 'tp@cinema21.com',
    time_zone: 'Asia/Jakarta',
  },
  // WITA, one hour ahead of Jakarta: keeps "local time" honest in every query and test
  {
    id: DEMO.theaters.level21,
    city_id: DEMO.cities.denpasar,
    name: 'Cinema XXI Level 21',
    address: 'Jl. Teuku Umar No.1, Denpasar',
    contact_phone: '0361-4725021',
    contact_email: 'level21@cinema21.com',
    time_zone: 'Asia/Makassar',
  },
];

type HallSeed = {
  id: number;
  theater_id: number;
  name: string;
  screen_type: string;
  has_3d: boolean;
  price: number; // IDR, weekdays; Friday to Sunday add WEEKEND_SURCHARGE
  program: number[]; // movie ids the hall rotates through
  layout: LayoutOptions;
};

const halls: HallSeed[] = [
  {
    id: DEMO.halls.grandIndonesiaImax,
    theater_id: DEMO.theaters.grandIndonesia,
    name: 'Hall 1',
    screen_type: 'IMAX',
    has_3d: true,
    price: 75000,
    program: [M.avengersEndgame, M.dunePartTwo, M.oppenheimer],
    layout: { rows: 10, seatsPerRow: 15, aisleAfter: [3, 12], vipRows: 2, coupleRows: 1, wheelchairSpots: 2 },
  },
  {
    id: DEMO.halls.grandIndonesiaDolby,
    theater_id: DEMO.theaters.grandIndonesia,
    name: 'Hall 2',
    screen_type: 'Dolby Atmos',
    has_3d: true,
    price: 60000,
    program: [M.theBatman, M.dunePartTwo, M.insideOut2, M.avengersEndgame],
    layout: { rows: 8, seatsPerRow: 14, aisleAfter: [3, 11], coupleRows: 1, wheelchairSpots: 2 },
  },
  {
    id: DEMO.halls.pacificPlace4dx,
    theater_id: DEMO.theaters.pacificPlace,
    name: 'Studio 1',
    screen_type: '4DX',
    has_3d: true,
    price: 75000,
    program: [M.avengersEndgame, M.dunePartTwo, M.theBatman],
    layout: { rows: 6, seatsPerRow: 12, aisleAfter: [4, 8], wheelchairSpots: 2 },
  },
  {
    id: DEMO.halls.pacificPlaceRegular,
    theater_id: DEMO.theaters.pacificPlace,
    name: 'Studio 2',
    screen_type: 'Regular',
    has_3d: false,
    price: 50000,
    program: [M.pengabdiSetan2, M.agakLaen, M.kknDiDesaPenari, M.insideOut2],
    layout: { rows: 10, seatsPerRow: 14, aisleAfter: [3, 11], coupleRows: 1, wheelchairSpots: 2 },
  },
  {
    id: DEMO.halls.parisVanJavaAuditorium,
    theater_id: DEMO.theaters.parisVanJava,
    name: 'Auditorium 1',
    screen_type: 'Regular',
    has_3d: true,
    price: 50000,
    program: [M.avengersEndgame, M.pengabdiSetan2, M.insideOut2, M.agakLaen, M.dunePartTwo],
    layout: { rows: 15, seatsPerRow: 20, aisleAfter: [4, 16], vipRows: 3, coupleRows: 1, wheelchairSpots: 4 },
  },
  {
    id: DEMO.halls.parisVanJavaGoldClass,
    theater_id: DEMO.theaters.parisVanJava,
    name: 'Gold Class',
    screen_type: 'Gold Class',
    has_3d: false,
    price: 150000,
    program: [M.oppenheimer, M.theBatman, M.dunePartTwo],
    layout: { rows: 4, seatsPerRow: 10, aisleAfter: [5], vipRows: 4 },
  },
  {
    id: DEMO.halls.tunjunganStudio1,
    theater_id: DEMO.theaters.tunjunganPlaza,
    name: 'Studio 1',
    screen_type: 'Regular',
    has_3d: false,
    price: 45000,
    program: [M.kknDiDesaPenari, M.agakLaen, M.pengabdiSetan2, M.insideOut2, M.theBatman],
    layout: { rows: 9, seatsPerRow: 12, aisleAfter: [2, 10], coupleRows: 1, wheelchairSpots: 2 },
  },
  {
    id: DEMO.halls.tunjunganStudio2,
    theater_id: DEMO.theaters.tunjunganPlaza,
    name: 'Studio 2',
    screen_type: 'Dolby Atmos',
    has_3d: true,
    price: 55000,
    program: [M.avengersEndgame, M.dunePartTwo, M.insideOut2],
    layout: { rows: 8, seatsPerRow: 12, aisleAfter: [4, 8], vipRows: 2, wheelchairSpots: 2 },
  },
  {
    id: DEMO.halls.level21Studio1,
    theater_id: DEMO.theaters.level21,
    name: 'Studio 1',
    screen_type: 'Regular',
    has_3d: true,
    price: 50000,
    program: [M.avengersEndgame, M.agakLaen, M.insideOut2, M.pengabdiSetan2],
    layout: { rows: 9, seatsPerRow: 12, aisleAfter: [2, 10], coupleRows: 1, wheelchairSpots: 2 },
  },
  {
    id: DEMO.halls.level21Premiere,
    theater_id: DEMO.theaters.level21,
    name: 'The Premiere',
    screen_type: 'Premiere',
    has_3d: false,
    price: 100000,
    program: [M.oppenheimer, M.dunePartTwo, M.theBatman],
    layout: { rows: 4, seatsPerRow: 8, aisleAfter: [4], vipRows: 4 },
  },
];
const WEEKEND_SURCHARGE = 10000;
const SURCHARGE_3D = 15000;

type MovieSeed = {
  id: number;
  title: string;
  description: string;
  duration: number;
  genre: string[];
  rating: string;
  director: string;
  cast: string[];
  language: string;
  /** days from today; `until` null = open-ended run */
  from: number;
  until: number | null;
  in3d?: boolean;
};

const movies: MovieSeed[] = [
  {
    id: DEMO.movies.avengersEndgame,
    title: 'Avengers: Endgame',
    duration: 181,
    genre: ['Action', 'Adventure', 'Sci-Fi'],
    rating: '13+',
    director: 'Russo Brothers',
    description: 'After Thanos wipes out half of all life, the remaining Avengers assemble once more to undo the snap.',
    cast: ['Robert Downey Jr.', 'Chris Evans', 'Mark Ruffalo', 'Chris Hemsworth', 'Scarlett Johansson'],
    language: 'English',
    from: -20,
    until: 40,
    in3d: true,
  },
  {
    id: DEMO.movies.theBatman,
    title: 'The Batman',
    duration: 176,
    genre: ['Action', 'Crime', 'Drama'],
    rating: '13+',
    director: 'Matt Reeves',
    description: "In his second year fighting crime, Batman follows the Riddler's trail into the corruption of Gotham City.",
    cast: ['Robert Pattinson', 'Zoë Kravitz', 'Paul Dano', 'Jeffrey Wright', 'Colin Farrell'],
    language: 'English',
    from: -14,
    until: 35,
  },
  {
    id: DEMO.movies.pengabdiSetan2,
    title: 'Pengabdi Setan 2: Communion',
    duration: 119,
    genre: ['Horror'],
    rating: '17+',
    director: 'Joko Anwar',
    description: 'Years after escaping their house, Rini and her family live in a Jakarta tower block where something followed them.',
    cast: ['Tara Basro', 'Endy Arfian', 'Nasar Annuz', 'Bront Palarae'],
    language: 'Indonesian',
    from: -10,
    until: 30,
  },
  {
    id: DEMO.movies.kknDiDesaPenari,
    title: 'KKN di Desa Penari',
    duration: 130,
    genre: ['Horror', 'Thriller'],
    rating: '17+',
    director: 'Awi Suryadi',
    description: 'Six students on community service in a remote East Java village break its rules and wake what guards it.',
    cast: ['Tissa Biani', 'Adinda Thomas', 'Achmad Megantara', 'Aghniny Haque'],
    language: 'Indonesian',
    from: -30,
    until: 14,
  },
  {
    id: DEMO.movies.dunePartTwo,
    title: 'Dune: Part Two',
    duration: 166,
    genre: ['Sci-Fi', 'Adventure', 'Drama'],
    rating: '13+',
    director: 'Denis Villeneuve',
    description: 'Paul Atreides unites with Chani and the Fremen on a path of revenge against those who destroyed his family.',
    cast: ['Timothée Chalamet', 'Zendaya', 'Rebecca Ferguson', 'Javier Bardem', 'Austin Butler'],
    language: 'English',
    from: -7,
    until: 45,
    in3d: true,
  },
  {
    id: DEMO.movies.oppenheimer,
    title: 'Oppenheimer',
    duration: 180,
    genre: ['Biography', 'Drama', 'History'],
    rating: '17+',
    director: 'Christopher Nolan',
    description: 'The story of J. Robert Oppenheimer and the race to build the atomic bomb, and what it cost him.',
    cast: ['Cillian Murphy', 'Emily Blunt', 'Matt Damon', 'Robert Downey Jr.', 'Florence Pugh'],
    language: 'English',
    from: -21,
    until: 21,
  },
  {
    id: DEMO.movies.insideOut2,
    title: 'Inside Out 2',
    duration: 96,
    genre: ['Animation', 'Family', 'Comedy'],
    rating: 'SU',
    director: 'Kelsey Mann',
    description: 'Riley turns thirteen and new emotions, led by Anxiety, move into headquarters without asking.',
    cast: ['Amy Poehler', 'Maya Hawke', 'Kensington Tallman', 'Liza Lapira', 'Tony Hale'],
    language: 'English',
    from: -3,
    until: 42,
    in3d: true,
  },
  {
    id: DEMO.movies.agakLaen,
    title: 'Agak Laen',
    duration: 119,
    genre: ['Comedy', 'Horror'],
    rating: '13+',
    director: 'Muhadkly Acho',
    description: 'Four friends running a failing night-market ghost house hide an accident inside it, and business booms.',
    cast: ['Bene Dion Rajagukguk', 'Oki Rengga', 'Indra Jegel', 'Boris Bokir'],
    language: 'Indonesian',
    from: -5,
    until: 35,
  },
  {
    id: DEMO.movies.jumbo,
    title: 'Jumbo',
    duration: 102,
    genre: ['Animation', 'Family', 'Adventure'],
    rating: 'SU',
    director: 'Ryan Adriandhy',
    description: 'Don, a boy teased as "Jumbo", sets out to win a village talent show with the storybook his parents left him.',
    cast: ['Prince Poetiray', 'Quinn Salman', 'Bunga Citra Lestari', 'Ariel Noah'],
    language: 'Indonesian',
    from: 9,
    until: null,
  },
  {
    id: DEMO.movies.missionImpossible,
    title: 'Mission: Impossible - The Final Reckoning',
    duration: 169,
    genre: ['Action', 'Adventure', 'Thriller'],
    rating: '13+',
    director: 'Christopher McQuarrie',
    description: "Ethan Hunt and the IMF race to stop a rogue AI before it takes control of the world's nuclear arsenals.",
    cast: ['Tom Cruise', 'Hayley Atwell', 'Ving Rhames', 'Simon Pegg'],
    language: 'English',
    from: 16,
    until: null,
  },
];

/**
 * The demo accounts whose password is still the published one ("password"): a production database
 * must hold none (see runtime.ts). Each hash is checked against the password, not compared with the
 * seed's: the same password hashed again (another salt, another cost) is just as public.
 */
export async function demoAccountsIn(sql: Sql): Promise<string[]> {
  const { rows } = await sql.query<{ email: string; password_hash: string }>(
    'SELECT email, password_hash FROM users WHERE lower(email) = ANY($1) ORDER BY id',
    [users.map((u) => u.email.toLowerCase())],
  );
  const published = await Promise.all(rows.map((r) => verifyPassword(DEMO_PASSWORD, r.password_hash)));
  return rows.filter((_, i) => published[i]).map((r) => r.email);
}

/** Loads the demo data when the database has no users yet; returns whether it did. */
export async function seedDemo(db: Db, opts: { now?: Date; days?: number } = {}): Promise<{ created: boolean }> {
  const now = opts.now ?? new Date();
  const days = opts.days ?? 7;
  if (!Number.isInteger(days) || days < 1) throw new RangeError('days must be a positive integer');
  return db.tx(async (trx) => {
    await trx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    const { rows } = await trx.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM users) AS any');
    if (rows[0].any) return { created: false };
    await insertCatalog(trx, now, days);
    await insertHalls(trx);
    await insertScreenings(trx, now, days, db.kind === 'pglite');
    return { created: true };
  });
}

// JSON arrays read back with jsonb_to_recordset: one statement per table, readable column lists.
const json = (rows: unknown[]) => JSON.stringify(rows);

async function insertCatalog(trx: Sql, now: Date, days: number): Promise<void> {
  await trx.query(
    `INSERT INTO users (id, email, password_hash, full_name, phone_number, date_of_birth, role, email_verified)
     SELECT id, email, $2, full_name, phone_number, date_of_birth, role, true
     FROM jsonb_to_recordset($1::jsonb) AS u(id int, email text, full_name text, phone_number text, date_of_birth date, role text)`,
    [json(users), PASSWORD_HASH],
  );
  await trx.query(
    `INSERT INTO cities (id, name, province)
     SELECT id, name, province FROM jsonb_to_recordset($1::jsonb) AS c(id int, name text, province text)`,
    [json(cities)],
  );
  await trx.query(
    `INSERT INTO theaters (id, city_id, name, address, contact_phone, contact_email, time_zone)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(id int, city_id int, name text, address text,
       contact_phone text, contact_email text, time_zone text)`,
    [json(theaters)],
  );
  // Runs are relative to the seeding day (in Jakarta, where most theaters are), and every movie that
  // is showing runs at least as long as the seeded week, so no screening falls outside its run.
  const rows = movies.map(({ from, until, in3d: _, ...m }) => ({
    ...m,
    from,
    until: until === null ? null : Math.max(until, days),
  }));
  await trx.query(
    `INSERT INTO movies (id, title, description, duration, genre, rating, director, "cast", language,
       release_date, end_date, poster_url)
     SELECT m.id, m.title, m.description, m.duration, m.genre, m.rating, m.director, m."cast", m.language,
       d.today + m."from", d.today + m."until", NULL
     FROM jsonb_to_recordset($1::jsonb) AS m(id int, title text, description text, duration int, genre text[],
       rating text, director text, "cast" text[], language text, "from" int, "until" int),
       (SELECT ($2::timestamptz AT TIME ZONE 'Asia/Jakarta')::date AS today) d`,
    [json(rows), now.toISOString()],
  );
  for (const table of ['users', 'cities', 'theaters', 'movies']) await resetIdentity(trx, table);
}

async function insertHalls(trx: Sql): Promise<void> {
  const seats: Array<{ hall_id: number; row_label: string; number: number; seat_type: string; x: number; y: number }> = [];
  // couple partners and companions, by (row, number) because seat ids exist only after the insert
  const links: Array<{ hall_id: number; row_label: string; number: number; ref_row: string; ref_number: number; kind: string }> = [];
  const hallRows = halls.map((h) => {
    const layout = makeLayout(h.layout);
    for (const s of layout.seats) {
      seats.push({ hall_id: h.id, row_label: s.row_label, number: s.number, seat_type: s.seat_type, x: s.x, y: s.y });
      const ref = s.pair ?? s.companion_for;
      if (ref === undefined) continue;
      const other = layout.seats[ref];
      const kind = s.pair !== undefined ? 'pair' : 'companion';
      links.push({ hall_id: h.id, row_label: s.row_label, number: s.number, ref_row: other.row_label, ref_number: other.number, kind });
    }
    const { rows, aisles, screen } = layout;
    return {
      id: h.id,
      theater_id: h.theater_id,
      name: h.name,
      screen_type: h.screen_type,
      has_3d: h.has_3d,
      capacity: layout.seats.length,
      layout: { rows, aisles, screen },
    };
  });
  await trx.query(
    `INSERT INTO halls (id, theater_id, name, capacity, screen_type, has_3d_capability, layout)
     SELECT id, theater_id, name, capacity, screen_type, has_3d, layout
     FROM jsonb_to_recordset($1::jsonb) AS h(id int, theater_id int, name text, capacity int, screen_type text,
       has_3d boolean, layout jsonb)`,
    [json(hallRows)],
  );
  await resetIdentity(trx, 'halls');
  await trx.query(
    `INSERT INTO seats (hall_id, row_label, number, seat_type, x, y)
     SELECT * FROM unnest($1::int[], $2::text[], $3::int[], $4::text[], $5::int[], $6::int[])`,
    [
      seats.map((s) => s.hall_id),
      seats.map((s) => s.row_label),
      seats.map((s) => s.number),
      seats.map((s) => s.seat_type),
      seats.map((s) => s.x),
      seats.map((s) => s.y),
    ],
  );
  await trx.query(
    `UPDATE seats s
     SET pair_seat_id = CASE WHEN l.kind = 'pair' THEN r.id END,
         companion_for_seat_id = CASE WHEN l.kind = 'companion' THEN r.id END
     FROM jsonb_to_recordset($1::jsonb) AS l(hall_id int, row_label text, number int, ref_row text, ref_number int, kind text)
     JOIN seats r ON r.hall_id = l.hall_id AND r.row_label = l.ref_row AND r.number = l.ref_number
     WHERE s.hall_id = l.hall_id AND s.row_label = l.row_label AND s.number = l.number`,
    [json(links)],
  );
}

type Show = { hall_id: number; day: number; after_open: number; movie_id: number; is_3d: boolean; price: number };

// Per hall and local day: back-to-back shows from about 10:00, each next start rounded up to the
// quarter hour after the previous end plus the cleaning gap; a day that fills early is spread out.
// Only ever widening the gaps keeps "no overlap, 15 minutes to clean" true by construction.
function planShows(days: number): Show[] {
  const byId = new Map(movies.map((m) => [m.id, m]));
  const shows: Show[] = [];
  for (const h of halls) {
    const hallDays = h.id === DEMO.halls.grandIndonesiaImax ? Math.min(days, HALL_1_MAX_DAYS) : days;
    for (let day = 0; day < hallDays; day++) {
      const starts: number[] = [];
      const picks: MovieSeed[] = [];
      let t = (h.id % 4) * SLOT; // halls of one theater do not all let out at once
      for (let k = 0; k < 5 && t <= DAY_SPAN; k++) {
        const movie = byId.get(h.program[(day + k + h.id) % h.program.length])!;
        starts.push(t);
        picks.push(movie);
        t = Math.ceil((t + movie.duration + GAP) / SLOT) * SLOT;
      }
      const slack = Math.max(0, EVENING - starts[starts.length - 1]);
      starts.forEach((start, k) => {
        const shift = Math.floor((slack * k) / Math.max(1, starts.length - 1) / SLOT) * SLOT;
        const is_3d = h.has_3d && picks[k].in3d === true && k % 2 === 1;
        shows.push({ hall_id: h.id, day, after_open: start + shift, movie_id: picks[k].id, is_3d, price: h.price });
      });
    }
  }
  return shows;
}

async function insertScreenings(trx: Sql, now: Date, days: number, skipKeyChecks: boolean): Promise<void> {
  const shows = planShows(days);
  const col = <K extends keyof Show>(k: K) => shows.map((s) => s[k]);
  // Local 10:00 of each theater's day becomes an instant first, then the offset is added as elapsed
  // time: a daylight-saving jump could shift a show's local clock time but never make two overlap.
  await trx.query(
    `INSERT INTO screenings (movie_id, theater_id, hall_id, show_time, end_time, price, price_3d, currency,
       available_seats, is_3d)
     SELECT p.movie_id, h.theater_id, h.id, st.show_time, st.show_time + make_interval(mins => m.duration),
       st.price, CASE WHEN p.is_3d THEN st.price + $8 END, 'IDR', h.capacity, p.is_3d
     FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::boolean[], $6::numeric[])
       AS p(hall_id, day, after_open, movie_id, is_3d, price)
     JOIN halls h ON h.id = p.hall_id
     JOIN theaters t ON t.id = h.theater_id
     JOIN movies m ON m.id = p.movie_id
     CROSS JOIN LATERAL (SELECT ($7::timestamptz AT TIME ZONE t.time_zone)::date + p.day AS local_day) d
     CROSS JOIN LATERAL (
       SELECT ((d.local_day + time '10:00') AT TIME ZONE t.time_zone) + make_interval(mins => p.after_open) AS show_time,
         p.price + CASE WHEN extract(isodow FROM d.local_day) >= 5 THEN $9::numeric ELSE 0 END AS price
     ) st
     WHERE st.show_time > $7::timestamptz
     ORDER BY h.id, st.show_time`,
    [col('hall_id'), col('day'), col('after_open'), col('movie_id'), col('is_3d'), col('price'), now.toISOString(), SURCHARGE_3D, WEEKEND_SURCHARGE],
  );
  // On PGlite (one WASM core, the embedded cold start) the two foreign-key checks per row were most
  // of the seeding time. Every row here comes from a join of the two parents inside this
  // transaction, so the checks cannot fail; they are skipped for this one statement only.
  if (skipKeyChecks) await trx.query('SET LOCAL session_replication_role = replica');
  await trx.query(
    `INSERT INTO screening_seats (screening_id, seat_id)
     SELECT s.id, st.id FROM screenings s JOIN seats st ON st.hall_id = s.hall_id WHERE st.is_active`,
  );
  if (skipKeyChecks) {
    await trx.query('SET LOCAL session_replication_role = origin');
    // the role also skipped the trigger that files each screening's capacity for the reports
    // (migrations/023_report_rollups.sql): file it here, as that trigger would have
    await trx.query(
      `INSERT INTO screening_tally_delta (screening_id, capacity)
       SELECT s.id, count(*) FROM screenings s JOIN seats st ON st.hall_id = s.hall_id WHERE st.is_active GROUP BY 1`,
    );
  }
}

// Rows went in with explicit ids; the next generated id must follow them, not collide with id 1.
async function resetIdentity(trx: Sql, table: string): Promise<void> {
  await trx.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT max(id) FROM ${table}))`, [table]);
}
