// Booking codes: what a customer reads out at the counter and types into "find my booking".
// 8 symbols of Crockford base32 (no I, L, O, U, so nothing reads as 1, 0 or a word) give 40 random
// bits: a guess hits one of a million live bookings with odds of about 1 in 10^6, and the database's
// unique index plus a retry on conflict covers the rare collision.
// The stored and signed form is the bare 8 symbols ('K7Q2M9XD'); people see it as two groups of four
// ('K7Q2-M9XD'), which is easier to read out and compare. Input is accepted in either form.
import { randomBytes } from 'node:crypto';

export const BOOKING_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const BOOKING_CODE_LENGTH = 8;

const VALID = new RegExp(`^[${BOOKING_CODE_ALPHABET}]{${BOOKING_CODE_LENGTH}}$`);

/** A fresh code in stored form, e.g. 'K7Q2M9XD'. 256 is a multiple of 32, so `& 31` has no bias. */
export function newBookingCode(): string {
  const bytes = randomBytes(BOOKING_CODE_LENGTH);
  let code = '';
  for (const b of bytes) code += BOOKING_CODE_ALPHABET[b & 31];
  return code;
}

/** 'K7Q2M9XD' -> 'K7Q2-M9XD' for print and screens. */
export function formatBookingCode(code: string): string {
  return code.length === BOOKING_CODE_LENGTH ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}

/**
 * What someone typed -> stored form, or null when it cannot be a booking code (so a lookup can
 * answer "not found" without a query). Case, spaces and dashes do not matter; O reads as 0 and
 * I or L as 1, the way Crockford decodes them.
 */
export function normaliseBookingCode(input: string): string | null {
  if (typeof input !== 'string') return null;
  const code = input
    .toUpperCase()
    .replace(/[\s\-\u2010-\u2015]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return VALID.test(code) ? code : null;
}
