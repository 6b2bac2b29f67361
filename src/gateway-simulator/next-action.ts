// What the customer does next, by method, shaped like Indonesian gateways answer it: a page to
// approve (card 3-D Secure, e-wallet), a BCA virtual account number, or a QRIS payload. Derived from
// the payment id so the same payment always shows the same number and QR.
import { createHash } from 'node:crypto';
import type { NextAction, PaymentMethod } from '../gateway/gateway.ts';

export interface NextActionInput {
  id: string;
  method: PaymentMethod;
  amount: string; // decimal, major units
  currency: string;
  expires_at: string;
}

/** Page of the simulator where a person approves or declines (see approve-page.ts). */
export function approvePageUrl(publicBaseUrl: string, id: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/_gateway/payments/${encodeURIComponent(id)}`;
}

export function nextActionFor(p: NextActionInput, publicBaseUrl: string): NextAction {
  switch (p.method) {
    case 'card':
    case 'ewallet':
      return { type: 'redirect', url: approvePageUrl(publicBaseUrl, p.id) };
    case 'bank_transfer':
      return { type: 'virtual_account', bank: 'BCA', account_number: virtualAccountNumber(p.id), expires_at: p.expires_at };
    case 'qris':
      return { type: 'qr', qr_string: qrisString(p), expires_at: p.expires_at };
  }
}

// A fixed 4-digit company prefix, then 12 digits from a hash of the id: 16 digits in all.
const VA_PREFIX = '3901';

export function virtualAccountNumber(id: string): string {
  const digest = createHash('sha256').update(id).digest();
  const n = digest.readBigUInt64BE(0) % 10n ** 12n;
  return VA_PREFIX + n.toString().padStart(12, '0');
}

const NUMERIC_CURRENCY: Record<string, string> = { IDR: '360', USD: '840', SGD: '702', MYR: '458', EUR: '978' };

// EMVCo merchant-presented QR: tag, two-digit length, value. 99 characters is the most a field holds.
function tlv(tag: string, value: string): string {
  if (value.length > 99) throw new Error(`QR field ${tag} too long`);
  return `${tag}${String(value.length).padStart(2, '0')}${value}`;
}

/** A dynamic QRIS-like payload with the payment id and amount, closed by its CRC16 like the real one. */
export function qrisString(p: Pick<NextActionInput, 'id' | 'amount' | 'currency'>): string {
  const body =
    tlv('00', '01') + // payload format
    tlv('01', '12') + // dynamic: one payment, one amount
    tlv('26', tlv('00', 'ID.CO.SIMULATOR.WWW') + tlv('01', p.id)) +
    tlv('52', '7832') + // merchant category: motion picture theatres
    tlv('53', NUMERIC_CURRENCY[p.currency] ?? '360') +
    tlv('54', p.amount) +
    tlv('58', 'ID') +
    tlv('59', 'CINEMA SIMULATOR') +
    tlv('60', 'JAKARTA') +
    tlv('62', tlv('05', p.id)) +
    '6304';
  return body + crc16(body);
}

// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), as EMVCo specifies for tag 63.
function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}
