// The invariants checked after each fault, in SQL over the service's own tables (src/db/migrations:
// screening_seats, holds, tickets, ticket_seats, payments, refunds) and against what the client was
// told (load.ts) and what the gateway holds (its ledger). Each check returns the breaches it found,
// in words; none is a breach when the list is empty.
//
// - no seat sold twice: two sold ticket_seats rows of one seat (the unique index forbids it), or a
//   seat whose screening_seats row and ticket_seats rows disagree about who bought it;
// - no seat held twice: a seat in two live active holds, or in a live active hold and sold;
// - every acknowledged hold present: each 201 is a hold with exactly those seats that is still live
//   and holds them, or was ended by its own customer (released, replaced by its next hold, paid) or
//   by its expiry;
// - every approved payment present: each payment the gateway captured (its ledger, which includes
//   every approval the client saw) is captured here with its ticket paid (or refunded), within a
//   bounded wait for webhooks and the reconciler to finish what a fault interrupted.
import pg from 'pg';
import type { Acknowledged } from './load.ts';

type Rows<R> = Promise<R[]>;

async function rows<R>(c: pg.Client, text: string, params: unknown[] = []): Rows<R> {
  return (await c.query(text, params)).rows as R[];
}

async function soldTwice(c: pg.Client): Promise<string[]> {
  const twice = await rows<{ screening_id: number; seat_id: number; n: number }>(
    c,
    `SELECT screening_id, seat_id, count(*)::int AS n FROM ticket_seats WHERE status = 'sold' GROUP BY 1, 2 HAVING count(*) > 1 LIMIT 5`,
  );
  // sold here but not by a sold ticket_seats row of its ticket, or a sold ticket_seats row for a seat not sold here
  const disagree = await rows<{ screening_id: number; seat_id: number }>(
    c,
    `SELECT ss.screening_id, ss.seat_id FROM screening_seats ss
      WHERE (ss.status = 'sold' AND NOT EXISTS (
              SELECT 1 FROM ticket_seats ts
               WHERE ts.screening_id = ss.screening_id AND ts.seat_id = ss.seat_id AND ts.status = 'sold' AND ts.ticket_id = ss.ticket_id))
         OR (ss.status <> 'sold' AND EXISTS (
              SELECT 1 FROM ticket_seats ts WHERE ts.screening_id = ss.screening_id AND ts.seat_id = ss.seat_id AND ts.status = 'sold'))
      LIMIT 5`,
  );
  return [
    ...twice.map((r) => `seat ${r.seat_id} of screening ${r.screening_id} sold ${r.n} times`),
    ...disagree.map((r) => `seat ${r.seat_id} of screening ${r.screening_id}: screening_seats and ticket_seats disagree on its sale`),
  ];
}

async function heldTwice(c: pg.Client, screenings: number[]): Promise<string[]> {
  const twice = await rows<{ screening_id: number; seat_id: number; n: number }>(
    c,
    `SELECT screening_id, seat_id, count(*)::int AS n FROM holds, unnest(seat_ids) seat_id
      WHERE screening_id = ANY ($1::int[]) AND status = 'active' AND reserved_until > now()
      GROUP BY 1, 2 HAVING count(*) > 1 LIMIT 5`,
    [screenings],
  );
  const heldAndSold = await rows<{ screening_id: number; seat_id: number; hold_id: string }>(
    c,
    `SELECT h.screening_id, u.seat_id, h.id AS hold_id FROM holds h CROSS JOIN LATERAL unnest(h.seat_ids) AS u(seat_id)
       JOIN screening_seats ss ON ss.screening_id = h.screening_id AND ss.seat_id = u.seat_id
      WHERE h.screening_id = ANY ($1::int[]) AND h.status = 'active' AND h.reserved_until > now() AND ss.status = 'sold'
      LIMIT 5`,
    [screenings],
  );
  return [
    ...twice.map((r) => `seat ${r.seat_id} of screening ${r.screening_id} in ${r.n} live holds`),
    ...heldAndSold.map((r) => `seat ${r.seat_id} of screening ${r.screening_id} sold while in live hold ${r.hold_id}`),
  ];
}

interface HoldState {
  id: string;
  seat_ids: number[];
  status: string;
  live: boolean;
  released_reason: string | null;
  swept_early: boolean;
  held_by_it: number[] | null;
  ticket_status: string | null;
  sold_by_ticket: number;
}

async function acknowledgedHolds(c: pg.Client, ack: Acknowledged): Promise<string[]> {
  const grants = [...ack.grants.values()];
  const found = await rows<HoldState>(
    c,
    `SELECT h.id, h.seat_ids, h.status, (h.status = 'active' AND h.reserved_until > now()) AS live, h.released_reason,
            (h.released_reason = 'expired' AND h.released_at < h.reserved_until) AS swept_early,
            (SELECT array_agg(ss.seat_id) FROM screening_seats ss
              WHERE ss.screening_id = h.screening_id AND ss.hold_id = h.id AND ss.status = 'held') AS held_by_it,
            t.status AS ticket_status,
            (SELECT count(*)::int FROM ticket_seats ts WHERE ts.ticket_id = t.id AND ts.status = 'sold') AS sold_by_ticket
       FROM holds h LEFT JOIN tickets t ON t.hold_id = h.id
      WHERE h.id = ANY ($1::uuid[])`,
    [grants.map((g) => g.holdId)],
  );
  const byId = new Map(found.map((h) => [h.id, h]));
  const same = (a: number[] | null, b: number[]) => [...(a ?? [])].sort((x, y) => x - y).join(',') === [...b].sort((x, y) => x - y).join(',');
  const out: string[] = [];
  for (const g of grants) {
    const h = byId.get(g.holdId);
    const why = !h
      ? 'not in the database'
      : !same(h.seat_ids, g.seatIds)
        ? `seats ${h.seat_ids} in the database, ${g.seatIds} in the 201`
        : h.live
          ? same(h.held_by_it, g.seatIds)
            ? undefined
            : `live, but screening_seats hold ${h.held_by_it ?? 'none'} for it`
          : h.status === 'converted'
            ? h.ticket_status === 'paid' && h.sold_by_ticket === g.seatIds.length
              ? undefined
              : `converted, but its ticket is ${h.ticket_status} with ${h.sold_by_ticket} seats sold`
            : h.status === 'active' || (h.status === 'expired' && !h.swept_early)
              ? undefined // ended by its expiry
              : h.released_reason === 'replaced'
                ? undefined // by its own customer's next hold (take_seats replaces only the same customer's)
                : h.released_reason === 'customer' && ack.released.has(g.holdId)
                  ? undefined
                  : `${h.status} (${h.released_reason}) though its customer did not end it`;
    if (why !== undefined) out.push(`hold ${g.holdId} (${g.phase}): ${why}`);
  }
  return out;
}

interface LedgerEntry {
  payment_id: string;
  reference: string;
  captured: string;
}

/** Payments the gateway captured that are not (yet) captured here with their ticket paid. */
async function unsettledPayments(c: pg.Client, gatewayUrl: string, ack: Acknowledged): Promise<string[]> {
  const ledger = (await (await fetch(`${gatewayUrl}/_gateway/ledger`)).json()) as { payments: LedgerEntry[] };
  const captured = ledger.payments.filter((p) => Number(p.captured) > 0);
  const known = new Set(captured.map((p) => p.payment_id));
  const missing = ack.approved
    .filter((a) => !known.has(a.gatewayPaymentId))
    .map((a) => `approved payment ${a.gatewayPaymentId} (${a.phase}) not captured in the gateway's ledger`);
  const state = await rows<{ id: string; status: string; ticket_status: string; refunded: boolean; sold: number; seats: number }>(
    c,
    `SELECT p.id::text, p.status, t.status AS ticket_status,
            EXISTS (SELECT 1 FROM refunds r WHERE r.payment_id = p.id) AS refunded,
            (SELECT count(*)::int FROM ticket_seats ts WHERE ts.ticket_id = t.id AND ts.status = 'sold') AS sold,
            cardinality(h.seat_ids) AS seats
       FROM payments p JOIN tickets t ON t.id = p.ticket_id LEFT JOIN holds h ON h.id = t.hold_id
      WHERE p.id::text = ANY ($1::text[])`,
    [captured.map((p) => p.reference)],
  );
  const byId = new Map(state.map((s) => [s.id, s]));
  for (const p of captured) {
    const s = byId.get(p.reference);
    const why = !s
      ? 'no payment row'
      : !['captured', 'partially_refunded', 'refunded'].includes(s.status)
        ? `payment ${s.status}`
        : s.ticket_status === 'paid'
          ? s.sold === s.seats
            ? undefined
            : `ticket paid with ${s.sold} of ${s.seats} seats sold`
          : s.refunded
            ? undefined // money back: the seats were gone (confirm-payment.ts's late payment)
            : `ticket ${s.ticket_status}, no refund`;
    if (why) missing.push(`gateway payment ${p.payment_id} (ours ${p.reference}): ${why}`);
  }
  return missing;
}

export interface Verdict {
  soldTwice: string[];
  heldTwice: string[];
  holds: string[];
  payments: string[];
  /** how long the payments took to settle after the load stopped (ms), or the bound when they did not */
  settledMs: number;
}

export const breaches = (v: Verdict) => [...v.soldTwice, ...v.heldTwice, ...v.holds, ...v.payments];

/**
 * All checks, after the load stopped. Payments get up to `settleBoundMs` for webhooks and the
 * reconciler (every second, for payments pending over 1 s: setup.ts) to finish what was interrupted.
 */
export async function check(
  databaseUrl: string,
  gatewayUrl: string,
  screenings: number[],
  ack: Acknowledged,
  settleBoundMs: number,
): Promise<Verdict> {
  const c = new pg.Client({ connectionString: databaseUrl, application_name: 'faults-checks' });
  await c.connect();
  try {
    const t0 = Date.now();
    let payments = await unsettledPayments(c, gatewayUrl, ack);
    while (payments.length > 0 && Date.now() - t0 < settleBoundMs) {
      await new Promise((r) => setTimeout(r, 250));
      payments = await unsettledPayments(c, gatewayUrl, ack);
    }
    const settledMs = Date.now() - t0;
    return {
      soldTwice: await soldTwice(c),
      heldTwice: await heldTwice(c, screenings),
      holds: await acknowledgedHolds(c, ack),
      payments,
      settledMs,
    };
  } finally {
    await c.end();
  }
}
