// Payment for a hold: the methods with their fees and the total, then what the gateway asks next:
// its page (card, e-wallet), a virtual account number, or a QRIS code, the ticket followed until
// paid. A decline leaves the hold: another method can be tried while it lasts. Back on this page
// while that payment is pending (a reload, from the seat picker or "My tickets"), the same
// instructions are shown again: the hold's ticket, found among the customer's tickets awaiting
// payment, carries its pending payment's next action.
import { useEffect, useState } from 'preact/hooks';
import { api, problemCode, problemText } from '../api/client.ts';
import { money, t } from '../i18n/index.ts';
import { mmss, useCountdown } from '../lib/countdown.ts';
import { useStore } from '../lib/store.ts';
import { useApi } from '../lib/use-api.ts';
import { navigate } from '../router.ts';
import { session } from '../session.ts';
import { ErrorBox, Loading, Notice } from '../ui.tsx';
import { useTitle } from '../lib/title.ts';
import { RequireLogin } from './login.tsx';
import { type NextAction, PaymentInstructions, usePaymentOver } from './payment-instructions.tsx';

type Method = 'card' | 'ewallet' | 'bank_transfer' | 'qris';
type Pending = { ticketId: string; action: NextAction; amount: number; currency: string };

/** The fee a method's rule gives, rounded half up to a whole rupiah (as the server does for IDR: lib/money.ts). */
export function feeOf(total: number, fee: { fixed: number; rate_bp: number }): number {
  return Math.round((total * fee.rate_bp) / 10_000 + fee.fixed);
}

export function CheckoutPage({ holdId }: { holdId: string }) {
  const { user, ready } = useStore(session);
  useTitle(t('checkout.title'));
  if (!ready) return <Loading />;
  if (!user) return <RequireLogin />;
  return <Checkout holdId={holdId} />;
}

function Checkout({ holdId }: { holdId: string }) {
  const hold = useApi(() => api.GET('/api/v1/holds/{id}', { params: { path: { id: holdId } } }), [holdId]);
  const methods = useApi(() => api.GET('/api/v1/payment-methods'), []);
  // a payment of this hold already waiting for the customer (its ticket awaits payment)
  const awaiting = useApi(() => api.GET('/api/v1/me/tickets', { params: { query: { status: 'pending_payment', limit: 50 } } }), [holdId]);
  const [method, setMethod] = useState<Method>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [pending, setPending] = useState<Pending>();
  const countdown = useCountdown(hold.data?.reserved_until);
  /** The payment waiting ended without paying (failed, cancelled): choose a method again. */
  const ended = () => {
    setPending(undefined);
    setProblem(t('checkout.payment_ended'));
    awaiting.reload();
    hold.reload();
  };

  if (hold.error) return <ErrorBox message={hold.error} />;
  // the list of tickets awaiting payment only adds what may be waiting: without it, checkout goes on
  if (!hold.data || !methods.data || (!awaiting.data && !awaiting.error)) return <Loading />;
  const h = hold.data;
  if (pending) return <AwaitPayment {...pending} onEnded={ended} />;
  const live = h.status === 'active' && !countdown.ended;
  const waiting = live ? awaiting.data?.find((tk) => tk.hold_id === holdId && tk.payment?.status === 'pending' && tk.payment.next_action) : undefined;
  if (waiting?.payment) {
    const p = waiting.payment;
    return <AwaitPayment ticketId={waiting.id} action={p.next_action as NextAction} amount={p.amount} currency={waiting.currency} onEnded={ended} />;
  }
  if (!live) {
    return (
      <section>
        <h1>{t('checkout.title')}</h1>
        <Notice kind="warn">{t('hold.expired')}</Notice>
        <p>
          <a href={`/showtimes/${h.screening_id}`}>{t('hold.choose_again')}</a>
        </p>
      </section>
    );
  }
  const chosen = methods.data.find((m) => m.code === method);
  const fee = chosen ? feeOf(h.total_amount, chosen.fee) : 0;

  const pay = async () => {
    if (!method) return;
    setBusy(true);
    setProblem(undefined);
    try {
      const r = await api.POST('/api/v1/holds/{id}/checkout', {
        params: { path: { id: holdId }, header: { 'idempotency-key': crypto.randomUUID() } },
        body: { payment_method: method },
      });
      if (!r.data) {
        const code = problemCode(r.error);
        if (code === 'payment_in_progress') {
          // paid from another tab or device meanwhile: show that payment's instructions
          awaiting.reload();
          hold.reload();
          return;
        }
        setProblem(
          code === 'payment_declined'
            ? t('checkout.declined')
            : code === 'gateway_unavailable' || code === 'gateway_timeout'
              ? t('checkout.unavailable')
              : problemText(r.error, r.response),
        );
        hold.reload();
        return;
      }
      const { ticket, payment } = r.data.data;
      const action = payment.next_action as NextAction;
      if (ticket.status === 'paid') return navigate(`/tickets/${ticket.id}`);
      if (action?.type === 'redirect') {
        location.assign(action.url);
        return;
      }
      setPending({ ticketId: ticket.id, action, amount: payment.amount, currency: payment.currency });
    } catch {
      setProblem(t('common.offline'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <article>
      <h1>{t('checkout.title')}</h1>
      <p class="countdown" role="timer">
        {t('hold.countdown', { time: mmss(countdown.seconds) })}
      </p>
      <p>{h.seats.map((s) => s.label).join(', ')}</p>
      <fieldset class="methods">
        <legend>{t('checkout.method')}</legend>
        {methods.data.map((m) => (
          <label key={m.code} class="method">
            <input type="radio" name="method" value={m.code} checked={method === m.code} onChange={() => setMethod(m.code as Method)} />
            <span>
              <strong>{t(`checkout.method.${m.code as Method}`)}</strong>
              <span class="muted"> · {t('checkout.fee', { fee: money(feeOf(h.total_amount, m.fee), h.currency) })}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <dl class="sum">
        <dt>{t('checkout.subtotal')}</dt>
        <dd>{money(h.total_amount, h.currency)}</dd>
        <dt>{t('checkout.fee_line')}</dt>
        <dd>{money(fee, h.currency)}</dd>
        <dt>{t('checkout.total')}</dt>
        <dd>
          <strong>{money(h.total_amount + fee, h.currency)}</strong>
        </dd>
      </dl>
      {problem && <Notice kind="warn">{problem}</Notice>}
      <button type="button" class="primary" disabled={!method || busy} onClick={pay}>
        {busy && method && chosen?.code !== 'bank_transfer' && chosen?.code !== 'qris'
          ? t('checkout.redirecting')
          : t('checkout.pay', { total: money(h.total_amount + fee, h.currency) })}
      </button>
    </article>
  );
}

/** A virtual account or QRIS payment (or a gateway page not finished): what to pay and where, the
 * ticket followed until it is paid, or until the payment ends without paying. */
function AwaitPayment({ ticketId, action, amount, currency, onEnded }: Pending & { onEnded: () => void }) {
  // the deadline is told in the theater's time zone, as the ticket page tells it (from the first look at the ticket)
  const [zone, setZone] = useState<string>();
  // past the deadline nothing is awaited: the page goes back to the hold once our side has the payment ended
  const over = usePaymentOver(action);
  useEffect(() => {
    let stop = false;
    const tick = async () => {
      const r = await api.GET('/api/v1/tickets/{id}', { params: { path: { id: ticketId } } }).catch(() => undefined);
      if (stop) return;
      const tk = r?.data?.data;
      if (tk) setZone(tk.theater.time_zone);
      if (tk && tk.status !== 'pending_payment') return navigate(`/tickets/${ticketId}`, { replace: true });
      if (tk && (tk.payment?.status === 'failed' || tk.payment?.status === 'cancelled')) return onEnded();
      setTimeout(tick, 2000);
    };
    void tick();
    return () => {
      stop = true;
    };
  }, [ticketId]);
  return (
    <article>
      <h1>{t('checkout.title')}</h1>
      <PaymentInstructions action={action} amount={amount} currency={currency} zone={zone} />
      {!over && (
        <p role="status" aria-live="polite">
          {t('checkout.waiting')}
        </p>
      )}
    </article>
  );
}
