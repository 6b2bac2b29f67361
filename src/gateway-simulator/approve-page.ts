// The page a customer lands on from next_action: what is being paid, and Approve / Decline buttons
// (plain forms, no script) standing in for a bank's 3-D Secure or an e-wallet's confirmation.
// Every value is escaped: references and descriptions come from the service's callers.
import type { GatewayPayment } from '../gateway/gateway.ts';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Served with the page: nothing but its own inline style and forms posting to itself. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const NOTICES: Record<string, string> = {
  approved: 'Payment approved.',
  declined: 'Payment declined.',
  payment_not_pending: 'This payment is no longer pending.',
};

function formatAmount(amount: string, currency: string): string {
  const [whole, frac] = amount.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${currency} ${grouped}.${frac ?? '00'}`;
}

function nextActionRows(p: GatewayPayment): string {
  const a = p.next_action;
  if (!a) return '';
  if (a.type === 'virtual_account') {
    return row('Bank', a.bank) + row('Virtual account', a.account_number) + row('Pay before', a.expires_at);
  }
  if (a.type === 'qr') return row('QRIS payload', a.qr_string) + row('Pay before', a.expires_at);
  return '';
}

const row = (label: string, value: unknown) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;

/** `base` is the page's own path; the forms post to `<base>/approve` and `<base>/decline`. */
export function renderApprovePage(p: GatewayPayment, base: string, notice?: string): string {
  const pending = p.status === 'pending';
  const buttons = pending
    ? `<form method="post" action="${escapeHtml(`${base}/approve`)}"><button class="approve" type="submit">Approve</button></form>
       <form method="post" action="${escapeHtml(`${base}/decline`)}"><button class="decline" type="submit">Decline</button></form>`
    : '<p class="done">Nothing left to do here.</p>';
  const message = notice && NOTICES[notice] ? `<p class="notice">${escapeHtml(NOTICES[notice])}</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Payment ${escapeHtml(p.id)} · gateway simulator</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.25rem; } .amount { font-size: 2rem; font-weight: 600; margin: .5rem 0 1rem; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; } th { text-align: left; color: #666; font-weight: normal; padding-right: 1rem; }
  td { word-break: break-all; } form { display: inline-block; margin-right: .5rem; }
  button { font-size: 1rem; padding: .6rem 1.4rem; border: 0; border-radius: .3rem; color: #fff; cursor: pointer; }
  .approve { background: #1a7f37; } .decline { background: #b42318; } .notice { background: #eef; padding: .5rem .75rem; }
  .status { font-weight: 600; }
</style>
</head>
<body>
<h1>Gateway simulator: confirm payment</h1>
${message}
<p class="amount">${escapeHtml(formatAmount(p.amount, p.currency))}</p>
<table>
${row('Payment', p.id)}
${row('Reference', p.reference)}
${row('Method', p.method)}
<tr><th>Status</th><td class="status" id="status">${escapeHtml(p.status)}</td></tr>
${p.failure_code ? row('Failure', p.failure_code) : ''}
${p.refunded_amount !== '0.00' ? row('Refunded', formatAmount(p.refunded_amount, p.currency)) : ''}
${nextActionRows(p)}
${row('Created', p.created_at)}
</table>
${buttons}
${p.return_url && /^https?:\/\//.test(p.return_url) ? `<p><a class="back" href="${escapeHtml(p.return_url)}">Return to the shop</a></p>` : ''}
</body>
</html>
`;
}

export function renderNotFoundPage(id: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Unknown payment</title></head>
<body><h1>Unknown payment</h1><p>The gateway has no payment ${escapeHtml(id)}.</p></body></html>
`;
}
