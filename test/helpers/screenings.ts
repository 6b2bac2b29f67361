// Screenings made for a test, through the API as an admin would make them: one factory
// (createScreening) for an app in this process or an API in a child process alike. A test names the
// demo rows it builds on through DEMO, never by a bare id.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DEMO } from '../../src/db/seed/demo-ids.ts';
import { call } from './http.ts';

/** A request under /api/v1: method, path (e.g. '/screenings'), JSON body, bearer token. */
export type Send = (method: string, path: string, body?: unknown, token?: string) => Promise<{ status: number; body: any }>;
/** The API a helper talks to: an app in this process, or anything that sends (an API process). */
export type Api = FastifyInstance | { json: Send };

export function sendTo(api: Api): Send {
  if ('json' in api) return (method, path, body, token) => api.json(method, path, body, token);
  return (method, path, payload, token) => call(api, { method: method as 'GET', url: `/api/v1${path}`, token, payload: payload as object });
}

export interface Screening {
  id: number;
  hall_id: number;
  show_time: string;
  available_seats: number;
}

/** The factory: POST /screenings with the demo defaults (The Batman in Grand Indonesia's IMAX hall, Rp 50.000), 201 asserted. */
export async function createScreening(api: Api, admin: string, fields: Record<string, unknown> & { show_time: string }): Promise<Screening> {
  const r = await sendTo(api)(
    'POST',
    '/screenings',
    { movie_id: DEMO.movies.theBatman, theater_id: DEMO.theaters.grandIndonesia, hall_id: DEMO.halls.grandIndonesiaImax, price: 50_000, ...fields },
    admin,
  );
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.data as Screening;
}

let slot = 0;

/** A time `days` ahead, clear of the demo schedule; each call a different hour, so calls never overlap. */
export function farSlot(days = 150): string {
  const d = new Date(Date.now() + (days + Math.floor(slot / 4)) * 86_400_000);
  d.setUTCHours(1 + (slot % 4) * 5, 0, 0, 0);
  slot++;
  return d.toISOString();
}

/** A time `hours` from now, to the minute. */
export function hoursAhead(hours: number): string {
  const d = new Date(Date.now() + hours * 3_600_000);
  d.setUTCSeconds(0, 0);
  return d.toISOString();
}

/** A new screening far ahead (farSlot), in the demo hall unless `over` names another. */
export async function newScreening(api: Api, admin: string, over: Record<string, unknown> = {}, days = 150): Promise<Screening> {
  return createScreening(api, admin, { show_time: farSlot(days), ...over });
}

export interface PlainHall {
  theaterId: number;
  hallId: number;
}

const ROWS = 'ABCDEFGHIJKLMNOPQRST';

/** A new Jakarta theater without seat rules and one hall of `rows` x `perRow` regular seats, labelled A1... */
export async function plainHall(api: Api, admin: string, rows = 12, perRow = 10): Promise<PlainHall> {
  const send = sendTo(api);
  const th = await send(
    'POST',
    '/theaters',
    {
      city_id: DEMO.cities.jakarta,
      name: `Test Theater ${randomUUID().slice(0, 8)}`,
      address: 'Jl. Test 1',
      time_zone: 'Asia/Jakarta',
      orphan_seat_rule: false,
      companion_needs_wheelchair: false,
    },
    admin,
  );
  assert.equal(th.status, 201, JSON.stringify(th.body));
  const layout = {
    aisles: [],
    rows: Array.from({ length: rows }, (_, r) => ({
      label: ROWS[r],
      seats: Array.from({ length: perRow }, (_, i) => ({ number: i + 1, x: i, type: 'regular' })),
    })),
  };
  const hall = await send(
    'POST',
    '/halls',
    { theater_id: th.body.data.id, name: `Hall ${randomUUID().slice(0, 8)}`, screen_type: 'Regular', layout },
    admin,
  );
  assert.equal(hall.status, 201, JSON.stringify(hall.body));
  return { theaterId: th.body.data.id, hallId: hall.body.data.id };
}

/** A screening `hours` from now (to the minute) in the hall, at `price` per seat. */
export async function screeningIn(api: Api, admin: string, where: PlainHall, hours: number, price = 50_000): Promise<Screening> {
  return createScreening(api, admin, { theater_id: where.theaterId, hall_id: where.hallId, show_time: hoursAhead(hours), price });
}

/** A plain hall of rows x perRow seats and a screening in it `hours` ahead, with its seat ids by label. */
export async function plainScreening(api: Api, admin: string, rows: number, perRow: number, hours: number) {
  const s = await screeningIn(api, admin, await plainHall(api, admin, rows, perRow), hours);
  const map = await seatMapOf(api, s.id);
  return { screeningId: s.id, seatId: map.id, seats: map.seats.length };
}

export interface SeatInfo {
  id: number;
  label: string;
  row: string;
  number: number;
  x: number;
  type: string;
  status: string;
  price: number;
  pair_seat_id?: number;
  companion_for_seat_id?: number;
}

export async function seatMapOf(api: Api, screeningId: number) {
  const r = await sendTo(api)('GET', `/screenings/${screeningId}/seats`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const data = r.body.data as { version: number; seats: SeatInfo[]; counts: Record<string, number>; availability: string };
  const byLabel = new Map(data.seats.map((s) => [s.label, s]));
  const id = (label: string) => {
    const s = byLabel.get(label);
    assert.ok(s, `no seat ${label}`);
    return s.id;
  };
  return { ...data, byLabel, id, status: (label: string) => byLabel.get(label)?.status };
}
