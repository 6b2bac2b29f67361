// What the database and the gateway say after the checkout load (bench/checkout.ts):
// - every paid ticket has its seats sold to it (ticket_seats 'sold', screening_seats 'sold' with its
//   ticket_id), exactly the seats of its hold; no seat sold twice; screening_seats sold = ticket_seats sold;
// - one captured payment per paid ticket, and none for a ticket that is not paid; the gateway's ledger
//   captured as many payments, for the same amount;
// - one outbox 'ticket_issued' e-mail per paid ticket;
// - every ticket a client saw 'paid' is paid in the database with the seats it held;
// - the webhook log of the simulator: delivered_at - created_at of each payment.captured event is the
//   server side of "approve -> paid" (webhook POST, signature, confirm transaction, 200), to the ms.
import { call, pool } from './http.ts';
import { query } from './database.ts';
import type { Cycle } from './checkout-flow.ts';
import { countBy, latency, type Latency } from './stats.ts';
import type { DeliveryRecord } from '../../src/gateway-simulator/webhooks.ts';

export interface CheckoutCheck {
  tickets_by_status: Record<string, number>;
  paid_tickets: number;
  /** paid tickets whose seats are not all sold to them, or not exactly their hold's seats */
  paid_tickets_wrong_seats: number;
  /** (screening, seat) pairs sold to more than one ticket: must be 0 */
  oversold: number;
  seats_sold_ticket_seats: number;
  seats_sold_screening_seats: number;
  /** sold screening_seats rows without the matching sold ticket_seats row, and the other way round */
  screening_seats_unmatched: number;
  ticket_seats_unmatched: number;
  payments_by_status: Record<string, number>;
  payments_captured: number;
  /** paid tickets without exactly one captured payment, captured payments of tickets not paid */
  paid_without_one_capture: number;
  captures_of_unpaid_tickets: number;
  refunds: number;
  holds_by_status: Record<string, number>;
  webhook_events_by_type: Record<string, number>;
  outbox_ticket_issued: number;
  outbox_by_status: Record<string, number>;
  paid_without_ticket_issued: number;
  /** tickets the clients saw 'paid', and those not paid in the database with exactly the held seats */
  client_paid: number;
  client_paid_wrong: number;
  /** paid in the database, but no client saw it paid (its poll gave up first) */
  paid_not_seen_by_client: number;
  problems: string[];
}

const n = (rows: { n: string | number }[]) => Number(rows[0]?.n ?? -1);
const byKey = (rows: { k: string; n: string }[]) => Object.fromEntries(rows.map((r) => [r.k, Number(r.n)]));

export async function checkCheckout(dbUrl: string, screeningIds: number[], cycles: Cycle[]): Promise<CheckoutCheck> {
  const q = async <R extends Record<string, unknown>>(sql: string) => (await query<R>(sql, [screeningIds], dbUrl)).rows;
  const problems: string[] = [];

  const tickets = byKey(await q(`SELECT status AS k, count(*) AS n FROM tickets WHERE screening_id = ANY ($1::int[]) GROUP BY 1`));
  const wrongSeats = await q<{ id: string; why: string }>(
    `SELECT t.id, CASE WHEN ts.seats IS NULL THEN 'no ticket_seats'
                       WHEN ts.bad > 0 THEN ts.bad || ' seat(s) not sold to it'
                       ELSE 'seats ' || array_to_string(ts.seats, ',') || ' but the hold had ' || array_to_string(h.seat_ids, ',') END AS why
       FROM tickets t
       JOIN holds h ON h.id = t.hold_id
       LEFT JOIN LATERAL (
         SELECT array_agg(x.seat_id ORDER BY x.seat_id) AS seats,
                count(*) FILTER (WHERE x.status <> 'sold' OR ss.status IS DISTINCT FROM 'sold' OR ss.ticket_id IS DISTINCT FROM t.id) AS bad
           FROM ticket_seats x
           LEFT JOIN screening_seats ss ON ss.screening_id = x.screening_id AND ss.seat_id = x.seat_id
          WHERE x.ticket_id = t.id) ts ON true
      WHERE t.screening_id = ANY ($1::int[]) AND t.status = 'paid'
        AND (ts.seats IS NULL OR ts.bad > 0 OR ts.seats <> (SELECT array_agg(s ORDER BY s) FROM unnest(h.seat_ids) s))`,
  );
  for (const w of wrongSeats.slice(0, 5)) problems.push(`paid ticket ${w.id}: ${w.why}`);
  const oversold = n(
    await q(`SELECT count(*) AS n FROM (SELECT 1 FROM ticket_seats WHERE screening_id = ANY ($1::int[]) AND status = 'sold'
                                         GROUP BY screening_id, seat_id HAVING count(*) > 1) x`),
  );
  const soldTs = n(await q(`SELECT count(*) AS n FROM ticket_seats WHERE screening_id = ANY ($1::int[]) AND status = 'sold'`));
  const soldSs = n(await q(`SELECT count(*) AS n FROM screening_seats WHERE screening_id = ANY ($1::int[]) AND status = 'sold'`));
  const ssUnmatched = n(
    await q(`SELECT count(*) AS n FROM screening_seats ss WHERE ss.screening_id = ANY ($1::int[]) AND ss.status = 'sold'
               AND NOT EXISTS (SELECT 1 FROM ticket_seats ts WHERE ts.screening_id = ss.screening_id AND ts.seat_id = ss.seat_id
                                 AND ts.ticket_id = ss.ticket_id AND ts.status = 'sold')`),
  );
  const tsUnmatched = n(
    await q(`SELECT count(*) AS n FROM ticket_seats ts WHERE ts.screening_id = ANY ($1::int[]) AND ts.status = 'sold'
               AND NOT EXISTS (SELECT 1 FROM screening_seats ss WHERE ss.screening_id = ts.screening_id AND ss.seat_id = ts.seat_id
                                 AND ss.ticket_id = ts.ticket_id AND ss.status = 'sold')`),
  );
  const payments = byKey(
    await q(`SELECT p.status AS k, count(*) AS n FROM payments p JOIN tickets t ON t.id = p.ticket_id
              WHERE t.screening_id = ANY ($1::int[]) GROUP BY 1`),
  );
  const paidWithoutOne = n(
    await q(`SELECT count(*) AS n FROM tickets t WHERE t.screening_id = ANY ($1::int[]) AND t.status = 'paid'
               AND (SELECT count(*) FROM payments p WHERE p.ticket_id = t.id AND p.status = 'captured') <> 1`),
  );
  const capturesUnpaid = n(
    await q(`SELECT count(*) AS n FROM payments p JOIN tickets t ON t.id = p.ticket_id
              WHERE t.screening_id = ANY ($1::int[]) AND p.status = 'captured' AND t.status <> 'paid'`),
  );
  const refunds = n(await q(`SELECT count(*) AS n FROM refunds r JOIN tickets t ON t.id = r.ticket_id WHERE t.screening_id = ANY ($1::int[])`));
  const holds = byKey(await q(`SELECT status AS k, count(*) AS n FROM holds WHERE screening_id = ANY ($1::int[]) GROUP BY 1`));
  const webhooks = byKey((await query<{ k: string; n: string }>(`SELECT type AS k, count(*) AS n FROM webhook_events GROUP BY 1`, [], dbUrl)).rows);
  const outboxRows = await q<{ k: string; n: string }>(
    `SELECT o.status AS k, count(*) AS n FROM outbox o
      WHERE o.kind = 'ticket_issued' AND o.channel = 'email'
        AND (o.payload->>'ticket_id')::uuid IN (SELECT id FROM tickets WHERE screening_id = ANY ($1::int[]))
      GROUP BY 1`,
  );
  const paidNoMail = n(
    await q(`SELECT count(*) AS n FROM tickets t WHERE t.screening_id = ANY ($1::int[]) AND t.status = 'paid'
               AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.kind = 'ticket_issued' AND o.channel = 'email'
                                 AND o.payload->>'ticket_id' = t.id::text)`),
  );

  // what the clients saw against the database
  const seen = cycles.filter((c) => c.outcome === 'paid' && c.ticketId);
  const { rows: dbTickets } = await query<{ id: string; status: string; seats: number[] | null }>(
    `SELECT t.id, t.status, (SELECT array_agg(seat_id ORDER BY seat_id) FROM ticket_seats ts WHERE ts.ticket_id = t.id AND ts.status = 'sold') AS seats
       FROM tickets t WHERE t.id = ANY ($1::uuid[])`,
    [seen.map((c) => c.ticketId)],
    dbUrl,
  );
  const dbById = new Map(dbTickets.map((t) => [t.id, t]));
  let clientWrong = 0;
  for (const c of seen) {
    const t = dbById.get(c.ticketId as string);
    const want = [...c.seatIds].sort((a, b) => a - b).join(',');
    const why = !t
      ? 'not in the database'
      : t.status !== 'paid'
        ? `status ${t.status}`
        : (t.seats ?? []).join(',') !== want
          ? `seats ${t.seats} vs ${want}`
          : undefined;
    if (why === undefined) continue;
    clientWrong++;
    if (problems.length < 10) problems.push(`ticket ${c.ticketId} seen paid by worker ${c.worker}: ${why}`);
  }
  const paid = tickets.paid ?? 0;
  return {
    tickets_by_status: tickets,
    paid_tickets: paid,
    paid_tickets_wrong_seats: wrongSeats.length,
    oversold,
    seats_sold_ticket_seats: soldTs,
    seats_sold_screening_seats: soldSs,
    screening_seats_unmatched: ssUnmatched,
    ticket_seats_unmatched: tsUnmatched,
    payments_by_status: payments,
    payments_captured: payments.captured ?? 0,
    paid_without_one_capture: paidWithoutOne,
    captures_of_unpaid_tickets: capturesUnpaid,
    refunds,
    holds_by_status: holds,
    webhook_events_by_type: webhooks,
    outbox_ticket_issued: Object.values(byKey(outboxRows)).reduce((a, b) => a + b, 0),
    outbox_by_status: byKey(outboxRows),
    paid_without_ticket_issued: paidNoMail,
    client_paid: seen.length,
    client_paid_wrong: clientWrong,
    paid_not_seen_by_client: paid - (seen.length - clientWrong),
    problems,
  };
}

/** Outbox 'ticket_issued' e-mails of these screenings not yet sent (pending or sending). */
export async function outboxBacklog(dbUrl: string): Promise<{ waiting: number; sent: number; dead: number }> {
  const { rows } = await query<{ waiting: string; sent: string; dead: string }>(
    `SELECT count(*) FILTER (WHERE status IN ('pending', 'sending')) AS waiting, count(*) FILTER (WHERE status = 'sent') AS sent,
            count(*) FILTER (WHERE status = 'dead') AS dead
       FROM outbox WHERE kind = 'ticket_issued'`,
    [],
    dbUrl,
  );
  return { waiting: Number(rows[0].waiting), sent: Number(rows[0].sent), dead: Number(rows[0].dead) };
}

// ---- the gateway's side, through the simulator's control routes on the API's port

type Delivery = DeliveryRecord; // the simulator's own record, as GET /_gateway/deliveries lists it

export interface WebhookStats {
  /** payment.captured events in the log, and of those created in the measured window */
  captured_events: number;
  in_window: number;
  delivered: number;
  not_delivered_yet: number;
  gave_up: number;
  /** delivered after more than one attempt (a non-2xx or a failed POST first) */
  retried: number;
  last_errors: Record<string, number>;
  /** delivered_at - created_at (the simulator's clock, ms): webhook POST + confirm transaction + answer */
  event_to_confirmed_ms: Latency;
  /** the log keeps at most 10,000 events (then drops the older half): true if it may have dropped some */
  log_may_be_truncated: boolean;
}

const agent = pool(2);

async function getJson(url: string) {
  const r = await call(agent, url, 'GET', { accept: 'application/json' });
  if (r.status !== 200) throw new Error(`GET ${url}: ${r.status} ${r.error ?? JSON.stringify(r.body).slice(0, 300)}`);
  return r.body;
}

/** Waits (up to limitMs) until no payment.captured webhook is still on its way; returns the log's stats. */
export async function webhookStats(base: string, fromWall: number, toWall: number, limitMs = 15_000): Promise<WebhookStats> {
  const t0 = Date.now();
  let log: Delivery[];
  for (;;) {
    log = ((await getJson(`${base}/_gateway/deliveries`)) as Delivery[]).filter((d) => d.type === 'payment.captured');
    if (log.every((d) => d.delivered || d.gave_up) || Date.now() - t0 > limitMs) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const inWindow = log.filter((d) => {
    const t = Date.parse(d.created_at);
    return t >= fromWall && t <= toWall;
  });
  const done = inWindow.filter((d) => d.delivered && d.delivered_at);
  return {
    captured_events: log.length,
    in_window: inWindow.length,
    delivered: log.filter((d) => d.delivered).length,
    not_delivered_yet: log.filter((d) => !d.delivered && !d.gave_up).length,
    gave_up: log.filter((d) => d.gave_up).length,
    retried: log.filter((d) => d.attempts > 1).length,
    last_errors: countBy(
      log.filter((d) => d.last_error !== null),
      (d) => String(d.last_error),
    ),
    event_to_confirmed_ms: latency(done.map((d) => Date.parse(d.delivered_at as string) - Date.parse(d.created_at))),
    log_may_be_truncated: log.length >= 5_000,
  };
}

export interface LedgerCheck {
  payments: number;
  captured_payments: number;
  captured_total: string;
  db_captured_total: string;
  /** the gateway captured as many payments as the database has captured, for the same sum */
  matches_db: boolean;
}

export async function ledgerCheck(base: string, dbUrl: string, screeningIds: number[]): Promise<LedgerCheck> {
  const body = (await getJson(`${base}/_gateway/ledger`)) as { payments: { status: string; captured: string }[]; totals: { captured: string }[] };
  const captured = body.payments.filter((p) => Number(p.captured) > 0);
  const { rows } = await query<{ n: string; total: string | null }>(
    `SELECT count(*) AS n, sum(p.amount)::text AS total FROM payments p JOIN tickets t ON t.id = p.ticket_id
      WHERE t.screening_id = ANY ($1::int[]) AND p.status = 'captured'`,
    [screeningIds],
    dbUrl,
  );
  const gatewayTotal = body.totals.reduce((s, t) => s + Math.round(Number(t.captured) * 100), 0);
  const dbTotal = Math.round(Number(rows[0].total ?? 0) * 100);
  return {
    payments: body.payments.length,
    captured_payments: captured.length,
    captured_total: (gatewayTotal / 100).toFixed(2),
    db_captured_total: (dbTotal / 100).toFixed(2),
    matches_db: captured.length === Number(rows[0].n) && gatewayTotal === dbTotal,
  };
}
