// Reading tickets. A customer sees only their own: anyone else's id answers 404, like a missing one.
// Admins see every ticket.
import type { Deps } from '../../deps.ts';
import { customerWrites } from '../../db/replica.ts';
import type { AuthUser } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { renderTicketPdf } from '../../eticket/pdf.ts';
import { presentTicket } from './presenter.ts';
import { loadTicketView, type TicketStatus, ticketQr, ticketViewsOf, type TicketView, toPdfView } from './ticket-view.ts';

async function visibleTicket(deps: Deps, user: AuthUser, id: string): Promise<TicketView> {
  const v = await loadTicketView(deps.db, id);
  if (!v || (v.user_id !== user.id && user.role !== 'admin')) throw new AppError('ticket_not_found');
  return v;
}

export async function getTicket(deps: Deps, user: AuthUser, id: string) {
  const v = await visibleTicket(deps, user, id);
  return presentTicket(v, ticketQr(deps.ticketKeys, v));
}

export async function myTickets(deps: Deps, user: AuthUser, q: { limit?: number; cursor?: string; status?: TicketStatus }) {
  const limit = q.limit ?? 20;
  const after = q.cursor === undefined ? undefined : pageKey(q.cursor);
  // the replica unless this customer's tickets changed in the last moments (db/replica.ts)
  const rows = await ticketViewsOf(await deps.reads.lagTolerant(customerWrites(user.id)), user.id, { after, limit: limit + 1, status: q.status });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next = rows.length > limit && last ? encodeCursor([last.page_key, last.id]) : null;
  return { items: page.map((v) => presentTicket(v, ticketQr(deps.ticketKeys, v))), next };
}

function pageKey(cursor: string): { key: string; id: string } {
  const k = decodeCursor(cursor);
  if (!k || typeof k[0] !== 'string' || Number.isNaN(Date.parse(k[0])) || typeof k[1] !== 'string' || !/^[0-9a-f-]{36}$/i.test(k[1])) {
    throw new AppError('validation_failed', 'cursor is not valid');
  }
  return { key: k[0], id: k[1] };
}

export async function ticketPdf(deps: Deps, user: AuthUser, id: string): Promise<{ bytes: Uint8Array; filename: string }> {
  const v = await visibleTicket(deps, user, id);
  const qr = ticketQr(deps.ticketKeys, v);
  if (!qr) throw new AppError('ticket_not_paid', `The ticket is ${v.status}`, { ticket_status: v.status });
  return { bytes: await renderTicketPdf(toPdfView(v, qr)), filename: `ticket-${v.booking_code}.pdf` };
}
