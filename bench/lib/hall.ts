// Halls and screenings made through the admin API for a benchmark, and the seat map's rows.
import { call, pool } from './http.ts';

export interface SeatRows {
  version: number;
  /** seat ids of each row, left to right (x order) */
  rows: number[][];
}

const agent = pool(4);

async function post(base: string, path: string, auth: Record<string, string>, body: unknown) {
  const r = await call(agent, `${base}${path}`, 'POST', auth, body);
  if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${r.error ?? JSON.stringify(r.body).slice(0, 500)}`);
  return r.body.data;
}

/** A hall of rows x perRow regular seats, no aisles (x = seat index, y = row index); returns its id. */
export async function createHall(base: string, auth: Record<string, string>, theaterId: number, name: string, rows: number, perRow: number) {
  const label = (r: number) => (r < 26 ? String.fromCharCode(65 + r) : `R${r}`);
  const layout = {
    screen: 'top',
    aisles: [],
    rows: Array.from({ length: rows }, (_, r) => ({
      label: label(r),
      seats: Array.from({ length: perRow }, (_, x) => ({ number: x + 1, x, y: r, type: 'regular' })),
    })),
  };
  const hall = (await post(base, '/api/v1/halls', auth, { theater_id: theaterId, name, screen_type: 'Regular', layout })) as {
    id: number;
    capacity: number;
  };
  if (hall.capacity !== rows * perRow) throw new Error(`hall ${hall.id}: capacity ${hall.capacity}, expected ${rows * perRow}`);
  return hall.id;
}

/** A screening of movieId in the hall at showTime (admin API); returns its id. */
export async function createScreening(
  base: string,
  auth: Record<string, string>,
  s: { movieId: number; theaterId: number; hallId: number; showTime: Date; price: number },
): Promise<number> {
  const body = { movie_id: s.movieId, theater_id: s.theaterId, hall_id: s.hallId, show_time: s.showTime.toISOString(), price: s.price };
  return ((await post(base, '/api/v1/screenings', auth, body)) as { id: number }).id;
}

/** GET the seat map: its version and the seat ids row by row (rows in y order, seats in x order). */
export async function seatRows(base: string, screeningId: number): Promise<SeatRows> {
  const r = await call(agent, `${base}/api/v1/screenings/${screeningId}/seats`, 'GET');
  if (r.status !== 200) throw new Error(`GET seats of ${screeningId}: ${r.status} ${r.error ?? ''}`);
  const data = r.body.data as { version: number; seats: { id: number; y: number; x: number; status: string }[] };
  const byRow = new Map<number, { id: number; x: number }[]>();
  for (const s of data.seats) byRow.set(s.y, [...(byRow.get(s.y) ?? []), s]);
  const rows = [...byRow.keys()].sort((a, b) => a - b).map((y) => (byRow.get(y) ?? []).sort((a, b) => a.x - b.x).map((s) => s.id));
  return { version: data.version, rows };
}
