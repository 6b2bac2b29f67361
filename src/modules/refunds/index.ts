// What other parts of the service may use of refunds.
export {
  insertRefund,
  insertSystemRefund,
  leaseCancellationRefunds,
  leaseDueRefunds,
  markSucceededWithoutGateway,
  rejectForCancellation,
} from './queries.ts';
export { loadRefundContext } from './refund-quote.ts';
export { afterRestock, type Applied, applyRefundIn, sendRefund, settleRefund } from './settle-refund.ts';
