// Checkout: a hold becomes a ticket paid through the gateway. What others call: applying the
// gateway's word on a payment (webhook, reconciler), and ending a checkout whose hold goes away.
export { abandonCheckout, cancelPendingTicket } from './cancel-checkout.ts';
export { confirmPayment, type Settlement } from './confirm-payment.ts';
export { endHold } from './release-hold.ts';
