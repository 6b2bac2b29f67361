// The shape of a key: `ck_<prefix>_<secret>`. The prefix (8 hex characters, random) is shown in
// lists and logs and finds the row; the whole key's SHA-256 is what is stored. 32 random bytes of
// secret (base64url) leave nothing to guess, so a fast hash is enough, and the comparison of
// digests takes the same time whatever matches.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY = /^ck_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

export function newKeySecret(): { key: string; prefix: string; sha256: string } {
  const prefix = randomBytes(4).toString('hex');
  const key = `ck_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: `ck_${prefix}`, sha256: sha256(key) };
}

/** The visible prefix of a well-formed key, or undefined. */
export function prefixOf(key: string): string | undefined {
  const m = KEY.exec(key);
  return m ? `ck_${m[1]}` : undefined;
}

export function sameSecret(key: string, storedSha256: string): boolean {
  const a = Buffer.from(sha256(key), 'hex');
  const b = Buffer.from(storedSha256, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
