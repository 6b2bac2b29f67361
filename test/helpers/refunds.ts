// Refund scenarios for tests: paid tickets through the real checkout (in a plain hall of
// screenings.ts, a chosen number of hours ahead), refund calls, and the money invariant between the
// gateway's books and ours.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Sql } from '../../src/db/client.ts';
import { toMinor } from '../../src/lib/money.ts';
import type { LedgerEntry } from '../../src/gateway-simulator/ledger.ts';
import { messageRenderer } from '../../src/modules/tickets/render-message.ts';
import type { OutboxRow, RenderedEmail, RenderedSms } from '../../src/outbox/message.ts';
import { approve, checkout, webhooksSettled } from './checkout.ts';
import { call, type Res } from './http.ts';
import type { TestApp } from './runtime.ts';
import { seatMapOf } from './screenings.ts';

export interface PaidTicket {
  ticketId: string;
  screeningId: number;
  seatIds: number[];
  /** the gateway's payment id */
  paymentId: string;
  /** tickets + fee, as charged */
  amount: number;
  fee: number;
  prices: number[];
}

/** Hold -> checkout -> the customer pays at the gateway -> webhook: a paid ticket. The app must listen. */
export async function paidTicket(t: TestApp, token: string, screeningId: number, labels: string[], method = 'card'): Promise<PaidTicket> {
  const m = await seatMapOf(t.app, screeningId);
  const seatIds = labels.map((l) => m.id(l));
  const hold = await call(t.app, { method: 'POST', url: `/api/v1/screenings/${screeningId}/holds`, token, payload: { seat_ids: seatIds } });
  assert.equal(hold.status, 201, JSON.stringify(hold.body));
  const co = await checkout(t, token, hold.body.data.id, method);
  assert.equal(co.status, 201, JSON.stringify(co.body));
  const { ticket, payment } = co.body.data;
  await approve(t, payment.id);
  await webhooksSettled(t);
  const { rows } = await t.rt.db.query<{ status: string }>('SELECT status FROM tickets WHERE id = $1', [ticket.id]);
  assert.equal(rows[0].status, 'paid');
  return {
    ticketId: ticket.id,
    screeningId,
    seatIds,
    paymentId: payment.id,
    amount: payment.amount,
    fee: payment.fee,
    prices: seatIds.map((id) => ticket.seats.find((s: { id: number }) => s.id === id).price),
  };
}

export function refund(
  t: TestApp,
  token: string,
  ticketId: string,
  body: { seat_ids?: number[]; reason?: string } = {},
  key: string | null = randomUUID(),
): Promise<Res> {
  return call(t.app, {
    method: 'POST',
    url: `/api/v1/tickets/${ticketId}/refunds`,
    token,
    payload: { reason: 'cannot come', ...body },
    headers: key === null ? {} : { 'idempotency-key': key },
  });
}

export function quote(t: TestApp, token: string, ticketId: string, seatIds?: number[]): Promise<Res> {
  const q = seatIds ? `?seat_ids=${seatIds.join(',')}` : '';
  return call(t.app, { method: 'GET', url: `/api/v1/tickets/${ticketId}/refund-quote${q}`, token });
}

/** Rows that matter after a refund: the ticket, its seats on the screening, the payment. */
export async function refundState(db: Sql, ticketId: string) {
  const { rows: tk } = await db.query<{ status: string; screening_id: number }>('SELECT status, screening_id FROM tickets WHERE id = $1', [ticketId]);
  const { rows: seats } = await db.query<{ seat_id: number; status: string; ticket_status: string }>(
    `SELECT ts.seat_id, ss.status, ts.status AS ticket_status FROM ticket_seats ts
       JOIN screening_seats ss ON ss.screening_id = ts.screening_id AND ss.seat_id = ts.seat_id
      WHERE ts.ticket_id = $1 ORDER BY ts.seat_id`,
    [ticketId],
  );
  const { rows: pay } = await db.query<{ status: string; refunded_amount: string }>(
    `SELECT status, refunded_amount::text AS refunded_amount FROM payments WHERE ticket_id = $1 AND status <> 'failed' ORDER BY created_at LIMIT 1`,
    [ticketId],
  );
  const { rows: refunds } = await db.query<{ id: string; status: string; amount: string }>(
    'SELECT id, status, amount::text AS amount FROM refunds WHERE ticket_id = $1 ORDER BY created_at',
    [ticketId],
  );
  return { ticket: tk[0].status, seats, payment: pay[0], refunds };
}

/**
 * The money invariant: for every payment (hence every ticket), what the gateway captured minus what
 * it refunded equals what the database says (payments.amount - refunded_amount when captured), and
 * the refunded amount equals the sum of the succeeded refunds. Returns how many payments it checked.
 */
export async function assertMoneyInvariant(db: Sql, ledger: LedgerEntry[]): Promise<number> {
  const { rows } = await db.query<{ id: string; ticket_id: string; status: string; amount: string; refunded_amount: string; succeeded: string }>(
    `SELECT p.id, p.ticket_id, p.status, p.amount::text AS amount, p.refunded_amount::text AS refunded_amount,
            (SELECT coalesce(sum(r.amount), 0) FROM refunds r WHERE r.payment_id = p.id AND r.status = 'succeeded')::text AS succeeded
       FROM payments p`,
  );
  const byRef = new Map(ledger.map((e) => [e.reference, e]));
  const perTicket = new Map<string, { gateway: number; db: number }>();
  for (const p of rows) {
    const e = byRef.get(p.id);
    const captured = ['captured', 'partially_refunded', 'refunded'].includes(p.status);
    const dbNet = captured ? toMinor(p.amount) - toMinor(p.refunded_amount) : 0;
    const gwNet = e ? toMinor(e.captured) - toMinor(e.refunded) : 0;
    assert.equal(toMinor(p.refunded_amount), toMinor(p.succeeded), `payment ${p.id}: refunded_amount = sum of succeeded refunds`);
    if (e) {
      assert.equal(toMinor(e.refunded), toMinor(p.refunded_amount), `payment ${p.id}: refunded at the gateway = in the database`);
      assert.equal(toMinor(e.captured) > 0, captured, `payment ${p.id}: captured at the gateway = in the database (${p.status})`);
    }
    const sum = perTicket.get(p.ticket_id) ?? { gateway: 0, db: 0 };
    sum.gateway += gwNet;
    sum.db += dbNet;
    perTicket.set(p.ticket_id, sum);
  }
  for (const [ticketId, s] of perTicket) assert.equal(s.gateway, s.db, `ticket ${ticketId}: captured - refunded at the gateway = in the database`);
  // nothing at the gateway that we do not know of
  const ours = new Set(rows.map((p) => p.id));
  for (const e of ledger) assert.ok(ours.has(e.reference), `gateway payment ${e.payment_id} has no payment row`);
  return rows.length;
}

/** The ticket's queued messages of a kind, rendered as the outbox worker would send them, by channel. */
export async function renderedMessages(t: TestApp, kind: string, ticketId: string): Promise<Record<string, { text: string; subject?: string }>> {
  const { rows } = await t.rt.db.query<OutboxRow>(
    `SELECT id, dedupe_key, kind, channel, recipient, payload, attempts, created_at FROM outbox WHERE kind = $1 AND payload->>'ticket_id' = $2`,
    [kind, ticketId],
  );
  const render = messageRenderer({ db: t.rt.db, ticketKeys: t.rt.ticketKeys, publicBaseUrl: 'http://test.local' });
  return Object.fromEntries(await Promise.all(rows.map(async (r) => [r.channel, (await render(r)) as RenderedEmail | RenderedSms] as const)));
}
