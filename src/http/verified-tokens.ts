// Access tokens already verified (signature, exp, iss, aud, claims), by the token string itself, until
// their own exp: a customer's later requests skip the signature check. This replaces fast-jwt's cache,
// which keys by a SHA-256 of the token (a hash object per request: ~3 % of a cached read's CPU here,
// bench/read-paths.ts); a Map keyed by the string needs only V8's own string hash. Only tokens that
// passed every check are kept, and a hit is the same verdict the token would get again; whether its
// session still stands is asked per request (auth.ts). Bounded: the oldest entry goes first.
export interface VerifiedTokens<T> {
  get(token: string): T | undefined;
  /** expiresAt: the token's exp, in ms since the epoch */
  set(token: string, value: T, expiresAt: number): void;
}

export function verifiedTokens<T>(max = 10_000, now: () => number = Date.now): VerifiedTokens<T> {
  const entries = new Map<string, { value: T; expiresAt: number }>();
  return {
    get(token) {
      const entry = entries.get(token);
      if (entry === undefined) return undefined;
      if (entry.expiresAt > now()) return entry.value;
      entries.delete(token);
      return undefined;
    },
    set(token, value, expiresAt) {
      if (entries.size >= max) entries.delete(entries.keys().next().value as string);
      entries.set(token, { value, expiresAt });
    },
  };
}
