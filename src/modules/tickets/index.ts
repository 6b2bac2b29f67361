// Tickets: the tickets and ticket_seats tables (one writer: queries.ts), what a ticket looks like
// (view, PDF, QR), and the messages about it queued in the outbox.
export { ticketKeysFor } from './keys.ts';
export { enqueueRefundedLate, enqueueRefundRejected, enqueueRefundSucceeded, enqueueScreeningCancelled, enqueueTicketIssued } from './messages.ts';
export { withOffset } from './presenter.ts';
export {
  admitTicket,
  closeTicket,
  expireAbandonedTickets,
  insertTicket,
  type LockedTicket,
  lockTicket,
  lockTicketOfHold,
  lockTicketRow,
  markTicketPaid,
  restockRefundedSeats,
  seatsBoughtBy,
  sellTicketSeats,
  setTicketFee,
  type TicketRow,
} from './queries.ts';
export { messageRenderer } from './render-message.ts';
export { loadTicketView, soldSeats, type TicketView } from './ticket-view.ts';
