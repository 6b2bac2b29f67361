// What the customer's e-mails and SMS say, in each language the web app speaks: the renderer
// (render-message.ts) fills in the facts, formatted for the same language. A new message kind adds
// its words to every language here, so the type checker finds a missing one.
import type { Locale } from '../../lib/locale.ts';

/** Why a payment that arrived too late was refunded (refunds.reason, set by checkout/confirm-payment.ts). */
export type LateReason = 'seats_gone' | 'screening_closed' | 'ticket_cancelled' | 'duplicate_payment' | 'seat_limit';

export interface MessageWords {
  hello(name: string): string;
  reference(code: string): string;
  moneyBack: string;
  ticket: {
    subject(code: string, movie: string, when: string): string;
    confirmed(movie: string): string;
    bookingCode: string;
    when: string;
    where: string;
    seats: string;
    paid: string;
    attached: string;
    online(link: string): string;
    sms(brand: string, facts: string, seats: string, code: string, link: string): string;
  };
  late: {
    reasons: Record<LateReason, { short: string; long: string }>;
    subject(movie: string): string;
    body(what: string, why: string): string;
    refunding(amount: string): string;
    sms(brand: string, what: string, why: string, amount: string): string;
  };
  refunded: {
    subject(amount: string, movie: string): string;
    done(movie: string, when: string): string;
    seats: string;
    amount(amount: string, fee: string | null): string;
    stillValid(seats: string): string;
    noLongerValid: string;
    sms(brand: string, amount: string, seats: string, movie: string, when: string, code: string): string;
  };
  declined: {
    subject(movie: string): string;
    reason(note: string): string;
    body(movie: string, when: string, seats: string, reason: string): string;
    stillValid: string;
    sms(brand: string, movie: string, when: string, reason: string): string;
  };
  cancelled: {
    subject(movie: string, when: string): string;
    sorry(what: string): string;
    seats: string;
    refund(amount: string): string;
    sms(brand: string, what: string, amount: string, code: string): string;
  };
  seatsWord: string;
}

const en: MessageWords = {
  hello: (name) => `Hello ${name},`,
  reference: (code) => `Reference: ${code}`,
  moneyBack: 'The money goes back to the way you paid; your bank may take a few days to show it.',
  seatsWord: 'seats',
  ticket: {
    subject: (code, movie, when) => `Your e-ticket ${code}: ${movie}, ${when}`,
    confirmed: (movie) => `Your tickets for ${movie} are confirmed.`,
    bookingCode: 'Booking code',
    when: 'When',
    where: 'Where',
    seats: 'Seats',
    paid: 'Paid',
    attached: 'Your e-ticket is attached as a PDF. Show its QR code at the entrance.',
    online: (link) => `Your ticket online: ${link}`,
    sms: (brand, facts, seats, code, link) => `${brand}: ${facts}, seats ${seats}. Booking ${code}. ${link}`,
  },
  late: {
    reasons: {
      seats_gone: {
        short: 'arrived after the seats were released',
        long: 'reached us after your seat hold had ended and the seats were no longer free',
      },
      screening_closed: {
        short: 'arrived after the show was closed for sale',
        long: 'reached us after the show had started or was cancelled',
      },
      ticket_cancelled: {
        short: 'arrived after you cancelled the booking',
        long: 'reached us after the booking had been cancelled',
      },
      duplicate_payment: {
        short: 'was a second payment for a booking already paid',
        long: 'was a second payment for a booking that was already paid',
      },
      seat_limit: {
        short: 'would take you past the number of seats one customer may have for this show',
        long: 'reached us after you had bought or held other seats for this show, and together they would pass the number of seats one customer may have',
      },
    },
    subject: (movie) => `Your payment was refunded: ${movie}`,
    body: (what, why) => `Your payment for ${what} ${why}, so no ticket was issued.`,
    refunding: (amount) => `We are refunding ${amount} to the way you paid; your bank may take a few days to show it.`,
    sms: (brand, what, why, amount) => `${brand}: your payment for ${what} ${why}. ${amount} is being refunded to you.`,
  },
  refunded: {
    subject: (amount, movie) => `Refund of ${amount}: ${movie}`,
    done: (movie, when) => `Your refund for ${movie}, ${when}, went through.`,
    seats: 'Seats refunded',
    amount: (amount, fee) => `Amount: ${amount}${fee ? ` (including ${fee} of fees)` : ''}`,
    stillValid: (seats) => `Seats still valid on your ticket: ${seats}`,
    noLongerValid: 'Your ticket is no longer valid.',
    sms: (brand, amount, seats, movie, when, code) => `${brand}: ${amount} refunded for seats ${seats}, ${movie}, ${when}. Booking ${code}.`,
  },
  declined: {
    subject: (movie) => `Your refund request was declined: ${movie}`,
    reason: (note) => ` Reason: ${note}`,
    body: (movie, when, seats, reason) => `Our staff declined your refund request for ${movie}, ${when}, seats ${seats}.${reason}`,
    stillValid: 'Your ticket stays valid.',
    sms: (brand, movie, when, reason) => `${brand}: your refund request for ${movie}, ${when} was declined.${reason} Your ticket stays valid.`,
  },
  cancelled: {
    subject: (movie, when) => `Cancelled: ${movie}, ${when}`,
    sorry: (what) => `We are sorry: the screening of ${what} is cancelled.`,
    seats: 'Seats',
    refund: (amount) => `Refund: ${amount}, in full, fees included, on its way now.`,
    sms: (brand, what, amount, code) => `${brand}: we are sorry, ${what} is cancelled. ${amount} is being refunded to you in full. Booking ${code}.`,
  },
};

const id: MessageWords = {
  hello: (name) => `Halo ${name},`,
  reference: (code) => `Referensi: ${code}`,
  moneyBack: 'Dana kembali ke metode pembayaran Anda; bank Anda mungkin perlu beberapa hari untuk menampilkannya.',
  seatsWord: 'kursi',
  ticket: {
    subject: (code, movie, when) => `E-tiket Anda ${code}: ${movie}, ${when}`,
    confirmed: (movie) => `Tiket Anda untuk ${movie} sudah terkonfirmasi.`,
    bookingCode: 'Kode pemesanan',
    when: 'Waktu',
    where: 'Tempat',
    seats: 'Kursi',
    paid: 'Dibayar',
    attached: 'E-tiket Anda terlampir sebagai PDF. Tunjukkan kode QR-nya di pintu masuk.',
    online: (link) => `Tiket Anda secara online: ${link}`,
    sms: (brand, facts, seats, code, link) => `${brand}: ${facts}, kursi ${seats}. Kode ${code}. ${link}`,
  },
  late: {
    reasons: {
      seats_gone: {
        short: 'diterima setelah kursinya dilepas',
        long: 'kami terima setelah masa tahan kursi Anda berakhir dan kursinya tidak lagi tersedia',
      },
      screening_closed: {
        short: 'diterima setelah penjualan pertunjukan ditutup',
        long: 'kami terima setelah pertunjukan dimulai atau dibatalkan',
      },
      ticket_cancelled: {
        short: 'diterima setelah Anda membatalkan pemesanan',
        long: 'kami terima setelah pemesanan dibatalkan',
      },
      duplicate_payment: {
        short: 'adalah pembayaran kedua untuk pemesanan yang sudah dibayar',
        long: 'adalah pembayaran kedua untuk pemesanan yang sudah dibayar',
      },
      seat_limit: {
        short: 'akan melebihi batas kursi per pelanggan untuk pertunjukan ini',
        long: 'kami terima setelah Anda membeli atau menahan kursi lain untuk pertunjukan ini, dan jumlahnya akan melebihi batas kursi per pelanggan',
      },
    },
    subject: (movie) => `Pembayaran Anda dikembalikan: ${movie}`,
    body: (what, why) => `Pembayaran Anda untuk ${what} ${why}, sehingga tidak ada tiket yang diterbitkan.`,
    refunding: (amount) => `Kami mengembalikan ${amount} ke metode pembayaran Anda; bank Anda mungkin perlu beberapa hari untuk menampilkannya.`,
    sms: (brand, what, why, amount) => `${brand}: pembayaran Anda untuk ${what} ${why}. ${amount} sedang dikembalikan kepada Anda.`,
  },
  refunded: {
    subject: (amount, movie) => `Pengembalian dana ${amount}: ${movie}`,
    done: (movie, when) => `Pengembalian dana Anda untuk ${movie}, ${when}, telah berhasil.`,
    seats: 'Kursi yang dikembalikan',
    amount: (amount, fee) => `Jumlah: ${amount}${fee ? ` (termasuk biaya ${fee})` : ''}`,
    stillValid: (seats) => `Kursi yang masih berlaku di tiket Anda: ${seats}`,
    noLongerValid: 'Tiket Anda tidak berlaku lagi.',
    sms: (brand, amount, seats, movie, when, code) => `${brand}: ${amount} dikembalikan untuk kursi ${seats}, ${movie}, ${when}. Kode ${code}.`,
  },
  declined: {
    subject: (movie) => `Permintaan pengembalian dana Anda ditolak: ${movie}`,
    reason: (note) => ` Alasan: ${note}`,
    body: (movie, when, seats, reason) => `Staf kami menolak permintaan pengembalian dana Anda untuk ${movie}, ${when}, kursi ${seats}.${reason}`,
    stillValid: 'Tiket Anda tetap berlaku.',
    sms: (brand, movie, when, reason) =>
      `${brand}: permintaan pengembalian dana Anda untuk ${movie}, ${when} ditolak.${reason} Tiket Anda tetap berlaku.`,
  },
  cancelled: {
    subject: (movie, when) => `Dibatalkan: ${movie}, ${when}`,
    sorry: (what) => `Mohon maaf: pertunjukan ${what} dibatalkan.`,
    seats: 'Kursi',
    refund: (amount) => `Pengembalian dana: ${amount}, penuh, termasuk biaya, sedang diproses.`,
    sms: (brand, what, amount, code) => `${brand}: mohon maaf, ${what} dibatalkan. ${amount} dikembalikan penuh kepada Anda. Kode ${code}.`,
  },
};

export const MESSAGE_WORDS: Record<Locale, MessageWords> = { en, id };
