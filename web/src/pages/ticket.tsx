// A ticket: the signed QR to show at the door, booking code, seats, hall, the local time, the PDF;
// a refund with its quote shown before the customer confirms. The e-mail's link opens this page.
import { useEffect, useState } from 'preact/hooks';
import { api, problemText } from '../api/client.ts';
import { localTime, money, t } from '../i18n/index.ts';
import { useStore } from '../lib/store.ts';
import { saveBlob } from '../lib/download.ts';
import { useApi } from '../lib/use-api.ts';
import { session } from '../session.ts';
import { ErrorBox, Loading, Notice } from '../ui.tsx';
import { useTitle } from '../lib/title.ts';
import { CUSTOMER_REASON } from '../i18n/reasons.ts';
import { RequireLogin } from './login.tsx';
import { type NextAction, PaymentInstructions } from './payment-instructions.tsx';
import { QrCode } from './qr-code.tsx';

type Status = 'pending_payment' | 'paid' | 'refunded' | 'partially_refunded' | 'cancelled' | 'expired' | 'checked_in';

export function TicketPage({ id }: { id: string }) {
  const { user, ready } = useStore(session);
  if (!ready) return <Loading />;
  if (!user) return <RequireLogin />;
  return <Ticket id={id} />;
}

function Ticket({ id }: { id: string }) {
  const ticket = useApi(() => api.GET('/api/v1/tickets/{id}', { params: { path: { id } } }), [id]);
  const [refunding, setRefunding] = useState(false);
  useTitle(ticket.data ? t('title.ticket', { movie: ticket.data.movie.title }) : t('ticket.title'));
  // back from the payment page before the gateway's confirmation: follow the ticket until it is paid
  const pending = ticket.data?.status === 'pending_payment';
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(ticket.reload, 2000);
    return () => clearInterval(timer);
  }, [pending]);
  if (ticket.error) return <ErrorBox message={ticket.error} retry={ticket.reload} />;
  if (!ticket.data) return <Loading />;
  const tk = ticket.data;
  const zone = tk.theater.time_zone;
  // a payment that did not go through leaves the hold: its checkout can go on while the hold lasts
  const payAgain = tk.status === 'pending_payment' && tk.hold_id && (tk.payment?.status === 'failed' || tk.payment?.status === 'cancelled');
  // a payment still waiting for the customer: how to pay it, as checkout first said
  const toPay = tk.status === 'pending_payment' && tk.payment?.status === 'pending' ? tk.payment : null;
  // the door has admitted it: nothing more to do with it here (no refund, the code already used)
  const admitted = tk.checked_in_at !== null;
  const downloadable = tk.status === 'paid' || tk.status === 'partially_refunded';
  return (
    <article class="ticket">
      <h1>{t('ticket.title')}</h1>
      <p class={`status status-${admitted ? 'checked_in' : tk.status}`}>
        {admitted
          ? t('ticket.checked_in_at', { time: localTime(tk.checked_in_at as string, zone, true) })
          : t(`ticket.status.${tk.status as Status}`)}
      </p>
      {payAgain && (
        <Notice kind="warn">
          {t('ticket.payment_failed')} <a href={`/checkout/${tk.hold_id}`}>{t('ticket.pay_again')}</a>
        </Notice>
      )}
      {toPay?.next_action && (
        <PaymentInstructions action={toPay.next_action as NextAction} amount={toPay.amount} currency={tk.currency} zone={zone} />
      )}
      <h2>{tk.movie.title}</h2>
      {tk.qr && (
        <figure class="qr-box">
          <QrCode text={tk.qr} label={t('ticket.qr')} />
          <figcaption>{t('ticket.qr')}</figcaption>
        </figure>
      )}
      <dl class="facts">
        {tk.booking_code && (
          <>
            <dt>{t('ticket.code')}</dt>
            <dd class="code" data-testid="booking-code">
              {tk.booking_code}
            </dd>
          </>
        )}
        <dt>{t('ticket.when')}</dt>
        <dd>
          <time dateTime={tk.screening.local_show_time}>{localTime(tk.screening.local_show_time, zone, true)}</time>
        </dd>
        <dt>{t('ticket.where')}</dt>
        <dd>
          {tk.theater.name}, {tk.theater.address}
        </dd>
        <dt>{t('ticket.hall')}</dt>
        <dd>
          {tk.hall.name}
          {tk.hall.screen_type ? ` · ${tk.hall.screen_type}` : ''}
        </dd>
        <dt>{t('ticket.seats')}</dt>
        <dd data-testid="seats">{tk.seats.map((s) => s.label).join(', ')}</dd>
        {tk.amount_paid !== null && (
          <>
            <dt>{t('ticket.paid')}</dt>
            <dd>{money(tk.amount_paid, tk.currency)}</dd>
          </>
        )}
      </dl>
      <div class="actions">
        {tk.booking_code && downloadable && (
          <button type="button" onClick={() => void downloadPdf(tk.id, tk.booking_code ?? 'ticket')}>
            {t('ticket.pdf')}
          </button>
        )}
        {downloadable && !admitted && !refunding && (
          <button type="button" onClick={() => setRefunding(true)}>
            {t('ticket.refund')}
          </button>
        )}
      </div>
      {refunding && <RefundPanel ticketId={tk.id} zone={zone} onDone={ticket.reload} />}
    </article>
  );
}

/** The PDF needs the bearer token, so it is fetched and handed to the browser as a file. */
async function downloadPdf(id: string, code: string) {
  const r = await api.GET('/api/v1/tickets/{id}/pdf', { params: { path: { id } }, parseAs: 'blob' });
  if (r.data) saveBlob(r.data as Blob, `ticket-${code}.pdf`);
}

function RefundPanel({ ticketId, zone, onDone }: { ticketId: string; zone: string; onDone: () => void }) {
  const quote = useApi(() => api.GET('/api/v1/tickets/{id}/refund-quote', { params: { path: { id: ticketId }, query: {} } }), [ticketId]);
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<{ kind: 'ok' | 'warn'; text: string }>();
  const [busy, setBusy] = useState(false);
  if (quote.error) return <ErrorBox message={quote.error} retry={quote.reload} />;
  if (!quote.data) return <Loading />;
  const q = quote.data;
  if (!q.refundable) {
    // the refusal's code says it in the page's language (the server's words are English)
    const why = q.reason_code ? problemText({ code: q.reason_code, message: q.reason ?? q.reason_code }) : (q.reason ?? '');
    return <Notice kind="warn">{t('refund.not_allowed', { reason: why })}</Notice>;
  }
  const confirm = async () => {
    setBusy(true);
    const r = await api
      .POST('/api/v1/tickets/{id}/refunds', {
        params: { path: { id: ticketId }, header: { 'idempotency-key': crypto.randomUUID() } },
        // left empty: the stable default, which every page shows in its reader's language (reasons.ts)
        body: { reason: reason.trim() || CUSTOMER_REASON },
      })
      .catch(() => undefined);
    setBusy(false);
    if (r?.data) {
      setResult({
        kind: 'ok',
        text: t('refund.done', { status: t(`refund.status.${r.data.data.status}`), amount: money(r.data.data.amount, r.data.data.currency) }),
      });
      onDone();
    } else setResult({ kind: 'warn', text: r ? problemText(r.error, r.response) : t('common.offline') });
  };
  return (
    <section class="panel" aria-labelledby="refund-title">
      <h2 id="refund-title">{t('refund.title')}</h2>
      <p data-testid="refund-quote">
        {t('refund.quote', { amount: money(q.amount, q.currency), percent: q.percent, tier: q.tier ? t(`refund.tier.${q.tier.kind}`) : '' })}
      </p>
      {q.deadline && <p class="muted">{t('refund.deadline', { time: localTime(q.deadline, zone, true) })}</p>}
      {result ? (
        <Notice kind={result.kind}>{result.text}</Notice>
      ) : (
        <>
          <label>
            {t('refund.reason')}
            <input type="text" maxLength={200} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
          </label>
          <button type="button" class="primary" disabled={busy} onClick={confirm}>
            {t('refund.confirm', { amount: money(q.amount, q.currency) })}
          </button>
        </>
      )}
    </section>
  );
}
