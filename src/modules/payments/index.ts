// Payments: the payments table (made pending at checkout, settled by the gateway's word, their
// refunded amount moved by refunds), the payment methods and their fees.
export { feeMinor } from './fees.ts';
export { enabledMethod, enabledMethods, type MethodRow, presentMethod } from './methods.ts';
export {
  failPendingPayment,
  findPayment,
  findPaymentRef,
  addRefunded,
  cancelPendingPayments,
  everCaptured,
  type DuePayment,
  insertPayment,
  leaseDuePayments,
  reconcilerBacklog,
  lockPayment,
  lockPaymentRow,
  markCaptured,
  markRefundedUncaptured,
  markUnpaid,
  PAYMENT_COLUMNS,
  type PaymentRow,
  pendingPaymentOf,
  recordGatewayPayment,
} from './queries.ts';
export { MethodSchema, NextActionSchema } from './schemas.ts';
