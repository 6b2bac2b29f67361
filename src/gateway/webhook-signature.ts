// Webhook signatures, Stripe style: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
// The timestamp is inside the signed text so a captured delivery cannot be replayed later than the
// tolerance, and the raw body (not a re-serialised object) is signed so whitespace or key order can
// never make a genuine delivery fail.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const GATEWAY_SIGNATURE_HEADER = 'gateway-signature';

export type VerifyResult = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'bad_signature' | 'stale' };

function hmacHex(secret: string, timestampSeconds: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(rawBody).digest('hex');
}

/** The header value for one delivery attempt (each attempt is signed with its own time). */
export function signWebhook(secret: string, rawBody: string | Buffer, timestampSeconds: number): string {
  const t = Math.floor(timestampSeconds);
  return `t=${t},v1=${hmacHex(secret, t, rawBody)}`;
}

/**
 * Checks a delivery. Several `v1=` entries are accepted (one per secret while a secret rotates);
 * any one matching is enough. Comparison is constant-time so the signature cannot be guessed byte
 * by byte from response timings.
 */
export function verifyWebhook(
  secret: string,
  rawBody: string | Buffer,
  header: string | string[] | undefined | null,
  nowSeconds: number,
  toleranceSeconds = 300,
): VerifyResult {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === null || value.trim() === '') return { ok: false, reason: 'missing' };
  let t: number | undefined;
  const signatures: string[] = [];
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return { ok: false, reason: 'malformed' };
    const key = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/.test(v)) return { ok: false, reason: 'malformed' };
      t = Number(v);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/i.test(v)) return { ok: false, reason: 'malformed' };
      signatures.push(v.toLowerCase());
    }
  }
  if (t === undefined || signatures.length === 0) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(hmacHex(secret, t, rawBody), 'hex');
  const matches = signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  if (!matches) return { ok: false, reason: 'bad_signature' };
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return { ok: false, reason: 'stale' };
  return { ok: true };
}
