// The messages an alert sends, queued in the outbox in the transaction that raises it: one e-mail
// per recipient (ALERT_EMAILS, or every admin account), and one signed webhook when
// ALERT_WEBHOOK_URL is set. The payload holds the facts; the text is made at send time.
import type { Sql } from '../../db/client.ts';
import { formatShowTime } from '../../eticket/pdf.ts';
import type { OutboxRow, RenderedMessage } from '../../outbox/message.ts';
import { enqueueMessage } from '../../outbox/enqueue.ts';
import type { AlertRow, ScreeningFacts } from './queries.ts';

export const SELLOUT_ALERT = 'sellout_alert';

export interface AlertFacts {
  alert_id: number;
  screening_id: number;
  theater_id: number;
  threshold: number;
  direction: 'up' | 'down';
  sold: number;
  sellable: number;
  movie: string;
  theater: string;
  hall: string;
  show_time: string;
  local_time: string;
  raised_at: string;
}

export function alertFacts(a: AlertRow, f: Omit<ScreeningFacts, 'thresholds'>): AlertFacts {
  return {
    alert_id: a.id,
    screening_id: a.screening_id,
    theater_id: f.theater_id,
    threshold: a.threshold,
    direction: a.direction,
    sold: a.sold,
    sellable: a.sellable,
    movie: f.movie,
    theater: f.theater,
    hall: f.hall,
    show_time: f.show_time.toISOString(),
    local_time: formatShowTime(f.show_time, f.time_zone),
    raised_at: a.raised_at.toISOString(),
  };
}

export async function enqueueAlert(trx: Sql, facts: AlertFacts, to: { emails: string[]; webhookUrl?: string }): Promise<void> {
  for (const email of to.emails) {
    await enqueueMessage(trx, {
      dedupeKey: `sellout:${facts.alert_id}:email:${email}`,
      kind: SELLOUT_ALERT,
      channel: 'email',
      recipient: email,
      payload: facts,
    });
  }
  if (to.webhookUrl) {
    await enqueueMessage(trx, {
      dedupeKey: `sellout:${facts.alert_id}:webhook`,
      kind: SELLOUT_ALERT,
      channel: 'webhook',
      recipient: to.webhookUrl,
      payload: facts,
    });
  }
}

/** "80 % sold" / "sold out" / "back under 95 %". */
export function headline(f: Pick<AlertFacts, 'threshold' | 'direction'>): string {
  if (f.direction === 'down') return `back under ${f.threshold} %`;
  return f.threshold >= 100 ? 'sold out' : `${f.threshold} % sold`;
}

export function renderAlert(msg: OutboxRow): RenderedMessage {
  const f = msg.payload as unknown as AlertFacts;
  if (msg.channel === 'webhook') return { event: { type: `screening.sellout.${f.direction}`, data: f } };
  const what = headline(f);
  const share = f.sellable > 0 ? Math.floor((f.sold * 100) / f.sellable) : 0;
  return {
    subject: `${what[0].toUpperCase()}${what.slice(1)}: ${f.movie}, ${f.theater}, ${f.local_time}`,
    text: [
      `${f.movie} at ${f.theater} (${f.hall}), ${f.local_time}, is ${what}.`,
      '',
      `Sold: ${f.sold} of ${f.sellable} seats (${share} %).`,
      `Screening id: ${f.screening_id}. Raised at ${f.raised_at}.`,
      '',
      f.direction === 'up' && f.threshold < 100
        ? 'Consider opening another show or a larger hall.'
        : f.direction === 'down'
          ? 'Seats came back on sale (refunds or a cancellation).'
          : 'No seat is left for sale.',
    ].join('\n'),
  };
}
