// Screenings made for a test: far ahead (clear of the demo schedule), in a chosen hall.
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { call } from './http.ts';

let offset = 0;

/** A new screening `days` ahead (each call a different hour, so calls never overlap). */
export async function newScreening(app: FastifyInstance, adminToken: string, over: Record<string, unknown> = {}, days = 150) {
  const d = new Date(Date.now() + (days + Math.floor(offset / 4)) * 86_400_000);
  d.setUTCHours(1 + (offset % 4) * 5, 0, 0, 0);
  offset++;
  const r = await call(app, {
    method: 'POST',
    url: '/api/v1/screenings',
    token: adminToken,
    payload: { movie_id: 2, theater_id: 1, hall_id: 1, show_time: d.toISOString(), price: 50000, ...over },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.data as { id: number; hall_id: number; available_seats: number };
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

export async function seatMapOf(app: FastifyInstance, screeningId: number) {
  const r = await call(app, { method: 'GET', url: `/api/v1/screenings/${screeningId}/seats` });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const data = r.body.data as { version: number; seats: SeatInfo[]; counts: Record<string, number> };
  const byLabel = new Map(data.seats.map((s) => [s.label, s]));
  const id = (label: string) => {
    const s = byLabel.get(label);
    assert.ok(s, `no seat ${label}`);
    return s.id;
  };
  return { ...data, byLabel, id, status: (label: string) => byLabel.get(label)?.status };
}
