// Reading alerts: pages for the list, and the rows after an id for the live feed.
import type { Static } from 'typebox';
import type { Db } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { alertFacts, headline } from './messages.ts';
import { type AlertFilter, type AlertListRow, listAlerts } from './queries.ts';
import type { AlertSchema } from './schemas.ts';

export type Alert = Static<typeof AlertSchema>;

export function presentAlert(r: AlertListRow): Alert {
  const f = alertFacts(r, r);
  return {
    id: r.id,
    screening_id: r.screening_id,
    theater_id: r.theater_id,
    threshold: r.threshold,
    direction: r.direction,
    sold: r.sold,
    sellable: r.sellable,
    headline: headline(r),
    movie: r.movie,
    theater: r.theater,
    hall: r.hall,
    show_time: f.show_time,
    local_time: f.local_time,
    raised_at: f.raised_at,
  };
}

export async function alertsPage(db: Db, q: Omit<AlertFilter, 'beforeId' | 'afterId'> & { cursor?: string }) {
  let beforeId: number | undefined;
  if (q.cursor !== undefined) {
    const k = decodeCursor(q.cursor);
    if (!k || !Number.isSafeInteger(k[0]) || (k[0] as number) < 1) throw new AppError('validation_failed', 'cursor is not valid');
    beforeId = k[0] as number;
  }
  const rows = await listAlerts(db, { ...q, beforeId, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { items: page.map(presentAlert), next: rows.length > q.limit && last ? encodeCursor([last.id]) : null };
}

/** Alerts raised after an id, oldest first (the live feed). */
export async function alertsAfter(db: Db, afterId: number, f: { screeningId?: number; theaterId?: number }, limit = 100): Promise<Alert[]> {
  return (await listAlerts(db, { ...f, afterId, limit })).map(presentAlert);
}
