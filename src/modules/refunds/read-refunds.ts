// Reading refunds and quotes. A customer sees only their own tickets' refunds and quotes: anyone
// else's id answers 404, like a missing one. Admins see all and list them with filters.
import type { Deps } from '../../deps.ts';
import type { AuthUser } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { presentRefund } from './presenter.ts';
import { findRefund, listRefunds, type RefundFilter } from './queries.ts';
import { evaluate, loadRefundContext, presentQuote } from './refund-quote.ts';

export async function getRefund(deps: Deps, user: AuthUser, id: string) {
  const r = await findRefund(deps.db, id);
  if (!r || (r.user_id !== user.id && user.role !== 'admin')) throw new AppError('refund_not_found');
  return { version: r.version, refund: presentRefund(r) };
}

export async function quoteRefund(deps: Deps, user: AuthUser, ticketId: string, seatIds?: number[]) {
  const ctx = await loadRefundContext(deps.db, ticketId);
  if (!ctx || (ctx.user_id !== user.id && user.role !== 'admin')) throw new AppError('ticket_not_found');
  return presentQuote(ctx, await evaluate(deps.db, ctx, seatIds));
}

export async function refundsPage(deps: Deps, q: Omit<RefundFilter, 'after'> & { cursor?: string }) {
  const after = q.cursor === undefined ? undefined : pageKey(q.cursor);
  const rows = await listRefunds(deps.db, { ...q, after, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const next = rows.length > q.limit && last ? encodeCursor([last.page_key, last.id]) : null;
  return { items: page.map(presentRefund), next };
}

function pageKey(cursor: string): { key: string; id: string } {
  const k = decodeCursor(cursor);
  if (!k || typeof k[0] !== 'string' || Number.isNaN(Date.parse(k[0])) || typeof k[1] !== 'string' || !/^[0-9a-f-]{36}$/i.test(k[1])) {
    throw new AppError('validation_failed', 'cursor is not valid');
  }
  return { key: k[0], id: k[1] };
}
