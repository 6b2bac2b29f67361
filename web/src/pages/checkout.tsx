// Payment for a hold: the methods with their fees and the total, then what the gateway asks next:
// its page (card, e-wallet), a virtual account number, or a QRIS code, the ticket followed until
// paid. A decline leaves the hold: another method can be tried while it lasts.
import { useEffect, useState } from 'preact/hooks';
import { api, problemCode, problemText } from '../api/client.ts';
import { localTime, money, t } from '../i18n/index.ts';
import { mmss, useCountdown } from '../lib/countdown.ts';
import { useStore } from '../lib/store.ts';
import { useApi } from '../lib/use-api.ts';
import { navigate } from '../router.ts';
import { session } from '../session.ts';
import { ErrorBox, Loading, Notice } from '../ui.tsx';
import { QrCode } from './qr-code.tsx';
import { RequireLogin } from './login.tsx';

type Method = 'card' | 'ewallet' | 'bank_transfer' | 'qris';
type NextAction =
  | { type: 'redirect'; url: string }
  | { type: 'virtual_account'; bank: string; account_number: string; expires_at: string }
  | { type: 'qr'; qr_string: string; expires_at: string }
  | null;

/** The fee a method's rule gives, rounded half up to the currency's minor unit (as the server does). */
export function feeOf(total: number, fee: { fixed: number; rate_bp: number }): number {
  return Math.round((total * fee.rate_bp) / 10_000 + fee.fixed);
}

export function CheckoutPage({ holdId }: { holdId: string }) {
  const { user, ready } = useStore(session);
  if (!ready) return <Loading />;
  if (!user) return <RequireLogin />;
  return <Checkout holdId={holdId} />;
}

function Checkout({ holdId }: { holdId: string }) {
  const hold = useApi(() => api.GET('/api/v1/holds/{id}', { params: { path: { id: holdId } } }), [holdId]);
  const methods = useApi(() => api.GET('/api/v1/payment-methods'), []);
  const [method, setMethod] = useState<Method>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [pending, setPending] = useState<{ ticketId: string; action: NextAction; amount: number; currency: string }>();
  const countdown = useCountdown(hold.data?.reserved_until);

  if (hold.error) return <ErrorBox message={hold.error} />;
  if (!hold.data || !methods.data) return <Loading />;
  const h = hold.data;
  if (pending) return <AwaitPayment {...pending} />;
  if (h.status !== 'active' || countdown.ended) {
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

/** A virtual account or QRIS payment: what to pay and where, the ticket followed until it is paid. */
function AwaitPayment({ ticketId, action, amount, currency }: { ticketId: string; action: NextAction; amount: number; currency: string }) {
  useEffect(() => {
    let stop = false;
    const tick = async () => {
      const r = await api.GET('/api/v1/tickets/{id}', { params: { path: { id: ticketId } } }).catch(() => undefined);
      if (stop) return;
      if (r?.data && r.data.data.status === 'paid') return navigate(`/tickets/${ticketId}`, { replace: true });
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
      {action?.type === 'virtual_account' && (
        <section class="panel">
          <p>{t('checkout.va', { amount: money(amount, currency), bank: action.bank })}</p>
          <p>
            {t('checkout.va_number')}:{' '}
            <strong class="va" data-testid="va-number">
              {action.account_number}
            </strong>
          </p>
          <p class="muted">{t('checkout.pay_before', { time: localTime(action.expires_at, 'Asia/Jakarta', true) })}</p>
        </section>
      )}
      {action?.type === 'qr' && (
        <section class="panel">
          <p>{t('checkout.qr')}</p>
          <QrCode text={action.qr_string} label="QRIS" />
          <p>
            <strong>{money(amount, currency)}</strong>
          </p>
        </section>
      )}
      <p role="status" aria-live="polite">
        {t('checkout.waiting')}
      </p>
    </article>
  );
}
