// The QR payload: the ticket's facts, signed, so the door can trust a code it scans without asking
// the database, and nobody can print a ticket for a seat they did not buy.
//
//   CT1.<kid>.<claims>.<sig>
//   CT1     format version; a scanner refuses versions it does not know
//   kid     ticketKeyId() of the signing key (8 hex), so keys can rotate: a verifier given several
//           keys picks by kid, and tickets signed before a rotation keep scanning
//   claims  base64url of the claims as JSON, fields in a fixed order
//   sig     base64url of the Ed25519 signature over the ASCII text 'CT1.<kid>.<claims>'
//
// The signature covers the text exactly as printed, and base64url parts must be canonical (a last
// character differing only in unused bits would decode to the same bytes), so changing any character
// anywhere fails. About 310 characters for 4 seats: QR version 13 at level M, fine at 5 cm.
import { sign, verify, type KeyObject } from 'node:crypto';
import { ticketKeyId } from './signing-key.ts';

export const TICKET_FORMAT = 'CT1';

export interface TicketClaims {
  /** ticket uuid */
  tid: string;
  /** booking code, stored form */
  bc: string;
  /** screening id */
  sid: number;
  /** seat ids */
  seats: number[];
  /** show time, ISO 8601 */
  st: string;
  /** issued at, unix seconds */
  iat: number;
}

export type VerifyFailure = 'malformed' | 'bad_signature' | 'unsupported_version';
export type VerifyResult = { ok: true; claims: TicketClaims; kid: string } | { ok: false; reason: VerifyFailure };

/** One public key, or a lookup by kid when several are trusted (during a rotation). */
export type TicketVerifyKey = KeyObject | ((kid: string) => KeyObject | undefined);

/** Signs the claims into the QR payload. Ed25519 is deterministic: same key and claims, same text. */
export function signTicket(privateKey: KeyObject, claims: TicketClaims): string {
  const { tid, bc, sid, seats, st, iat } = claims;
  const json = JSON.stringify({ tid, bc, sid, seats, st, iat });
  const signed = `${TICKET_FORMAT}.${ticketKeyId(privateKey)}.${Buffer.from(json, 'utf8').toString('base64url')}`;
  const signature = sign(null, Buffer.from(signed, 'ascii'), privateKey);
  return `${signed}.${signature.toString('base64url')}`;
}

/**
 * Checks a scanned payload. Never throws. A kid with no known key is 'bad_signature': to the door it
 * is the same as a forgery. Claims are only parsed after the signature holds.
 */
export function verifyTicket(key: TicketVerifyKey, code: string): VerifyResult {
  if (typeof code !== 'string') return fail('malformed');
  const parts = code.trim().split('.');
  const version = parts[0] ?? '';
  if (version !== TICKET_FORMAT) return fail(/^CT\d+$/.test(version) ? 'unsupported_version' : 'malformed');
  if (parts.length !== 4) return fail('malformed');
  const [, kid, body, sig] = parts;
  if (!/^[0-9a-f]{8}$/.test(kid) || !isCanonicalBase64url(body) || !isCanonicalBase64url(sig)) return fail('malformed');
  const signature = Buffer.from(sig, 'base64url');
  if (signature.length !== 64) return fail('malformed');

  const publicKey = typeof key === 'function' ? key(kid) : key;
  if (!publicKey) return fail('bad_signature');
  let valid = false;
  try {
    valid = verify(null, Buffer.from(`${version}.${kid}.${body}`, 'ascii'), publicKey, signature);
  } catch {
    valid = false; // not an Ed25519 key: nothing it could have signed
  }
  if (!valid) return fail('bad_signature');

  const claims = parseClaims(Buffer.from(body, 'base64url').toString('utf8'));
  return claims ? { ok: true, claims, kid } : fail('malformed');
}

function fail(reason: VerifyFailure): VerifyResult {
  return { ok: false, reason };
}

function isCanonicalBase64url(text: string): boolean {
  return text.length > 0 && /^[A-Za-z0-9_-]+$/.test(text) && Buffer.from(text, 'base64url').toString('base64url') === text;
}

// Reached only with our own signature, so a bad shape means a bug or a future field layout, not an attack.
function parseClaims(json: string): TicketClaims | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const c = value as Record<string, unknown>;
  const ints = (v: unknown) => Number.isSafeInteger(v);
  if (typeof c.tid !== 'string' || typeof c.bc !== 'string' || typeof c.st !== 'string') return null;
  if (!ints(c.sid) || !ints(c.iat) || !Array.isArray(c.seats) || !c.seats.every(ints)) return null;
  return { tid: c.tid, bc: c.bc, sid: c.sid as number, seats: c.seats as number[], st: c.st, iat: c.iat as number };
}
