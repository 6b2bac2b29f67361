// What the gateway asked the customer to do to pay (its `next_action`): a virtual account number, a
// QRIS code, or its payment page. Shown by checkout when the payment starts, and again wherever the
// pending payment is found later (back on the checkout page, the ticket page after a reload or from
// "My tickets"): the server keeps the instructions with the payment while it is pending. Once its
// deadline has passed, a virtual account or QR code is no longer shown: the gateway takes nothing
// into it after that, though our side may say "pending" for up to a minute more (until the
// payment's expiry reaches us).
import { localTime, money, t } from '../i18n/index.ts';
import { useCountdown } from '../lib/countdown.ts';
import { Notice } from '../ui.tsx';
import { QrCode } from './qr-code.tsx';

export type NextAction =
  | { type: 'redirect'; url: string }
  | { type: 'virtual_account'; bank: string; account_number: string; expires_at: string }
  | { type: 'qr'; qr_string: string; expires_at: string }
  | null;

/** Whether a virtual account's or QR code's deadline has passed (on the server's clock); a gateway page has none here. */
export function usePaymentOver(action: NextAction): boolean {
  return useCountdown(action && action.type !== 'redirect' ? action.expires_at : undefined).ended;
}

export function PaymentInstructions({
  action,
  amount,
  currency,
  zone,
}: {
  action: NextAction;
  amount: number;
  currency: string;
  /** the theater's time zone, in which the deadline is told (as on the ticket); the deadline waits for it */
  zone: string | undefined;
}) {
  const deadline = (iso: string) => zone && <p class="muted">{t('checkout.pay_before', { time: localTime(iso, zone, true) })}</p>;
  if (usePaymentOver(action)) {
    return (
      <section class="panel" aria-labelledby="how-to-pay">
        <h2 id="how-to-pay">{t('checkout.how_to_pay')}</h2>
        <Notice kind="warn">{t('checkout.pay_expired')}</Notice>
      </section>
    );
  }
  if (action?.type === 'virtual_account') {
    return (
      <section class="panel" aria-labelledby="how-to-pay">
        <h2 id="how-to-pay">{t('checkout.how_to_pay')}</h2>
        <p>{t('checkout.va', { amount: money(amount, currency), bank: action.bank })}</p>
        <p>
          {t('checkout.va_number')}:{' '}
          <strong class="va" data-testid="va-number">
            {action.account_number}
          </strong>
        </p>
        {deadline(action.expires_at)}
      </section>
    );
  }
  if (action?.type === 'qr') {
    return (
      <section class="panel" aria-labelledby="how-to-pay">
        <h2 id="how-to-pay">{t('checkout.how_to_pay')}</h2>
        <p>{t('checkout.qr')}</p>
        <QrCode text={action.qr_string} label="QRIS" />
        <p>
          <strong>{money(amount, currency)}</strong>
        </p>
        {deadline(action.expires_at)}
      </section>
    );
  }
  if (action?.type === 'redirect') {
    return (
      <section class="panel" aria-labelledby="how-to-pay">
        <h2 id="how-to-pay">{t('checkout.how_to_pay')}</h2>
        <p>{t('checkout.redirect_pending')}</p>
        <p>
          <a class="button primary" href={action.url}>
            {t('checkout.redirect_continue')}
          </a>
        </p>
      </section>
    );
  }
  return null;
}
