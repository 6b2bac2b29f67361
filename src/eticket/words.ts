// The e-ticket's own words in each language (the data on it, titles and names, prints as entered).
import type { Locale } from '../lib/locale.ts';

export interface TicketWords {
  eTicket: string;
  when: string;
  where: string;
  seats: string;
  refunded: string;
  subtotal: string;
  bookingFee: string;
  totalPaid: string;
  refundedTotal: string;
  bookingCode: string;
  ticketId: string;
  purchased: string;
  name: string;
  showAtEntrance: string;
  seatTypes: Record<string, string>;
  duration(hours: number, minutes: number): string;
}

export const TICKET_WORDS: Record<Locale, TicketWords> = {
  en: {
    eTicket: 'E-TICKET',
    when: 'WHEN',
    where: 'WHERE',
    seats: 'SEATS',
    refunded: ' (refunded)',
    subtotal: 'Subtotal',
    bookingFee: 'Booking fee',
    totalPaid: 'Total paid',
    refundedTotal: 'Refunded',
    bookingCode: 'BOOKING CODE',
    ticketId: 'TICKET ID',
    purchased: 'PURCHASED',
    name: 'NAME',
    showAtEntrance: 'Show this QR code at the entrance.',
    seatTypes: { regular: 'Regular', vip: 'VIP', couple: 'Couple', wheelchair: 'Wheelchair', companion: 'Companion' },
    duration: (h, m) => (h > 0 ? `${h} h ${m} min` : `${m} min`),
  },
  id: {
    eTicket: 'E-TIKET',
    when: 'WAKTU',
    where: 'TEMPAT',
    seats: 'KURSI',
    refunded: ' (dikembalikan)',
    subtotal: 'Subtotal',
    bookingFee: 'Biaya pemesanan',
    totalPaid: 'Total dibayar',
    refundedTotal: 'Dikembalikan',
    bookingCode: 'KODE PEMESANAN',
    ticketId: 'ID TIKET',
    purchased: 'DIBELI',
    name: 'NAMA',
    showAtEntrance: 'Tunjukkan kode QR ini di pintu masuk.',
    seatTypes: { regular: 'Reguler', vip: 'VIP', couple: 'Pasangan', wheelchair: 'Kursi roda', companion: 'Pendamping' },
    duration: (h, m) => (h > 0 ? `${h} j ${m} mnt` : `${m} mnt`),
  },
};
