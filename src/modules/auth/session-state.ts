// Is an access token's session still standing? Checked on every authenticated request, after the
// (cached) signature check, so it must cost next to nothing: one string per user, cached in two layers
// (this process for SESSION_CHECK_MS, then Redis), built from PostgreSQL (the truth) on a miss.
//
// The string is "<token_version>|<sids revoked lately>": a token passes when its `ver` is the user's
// token_version and its `sid` is not listed. Only families revoked within the access-token lifetime
// are listed: a token of a family revoked before that has expired anyway.
//
// A change (logout, family revoked, role or password changed) commits, then bumps the user's
// generation (read-cache.ts): this instance sees it at once, the others within SESSION_CHECK_MS. A
// reader that built the string from the database just before the commit stores it under the old
// generation, which nobody reads again, so no race leaves a stale verdict behind.
import { readCache } from '../../cache/read-cache.ts';
import type { Db } from '../../db/client.ts';
import type { AuthUser, Sessions } from '../../http/auth.ts';
import type { Kv } from '../../kv/kv.ts';
import { sessionStateOf } from './queries.ts';

export type { Sessions };

export function sessionState(db: Db, kv: Kv, opts: { checkMs: number; accessTtlSeconds: number }): Sessions {
  const cache = readCache(kv, { localMs: opts.checkMs });
  const ttlMs = opts.accessTtlSeconds * 1000;
  const scope = (userId: number) => `auth:${userId}`;
  return {
    async isLive(user: AuthUser) {
      const state = await cache.get(scope(user.id), 's', ttlMs, () => sessionStateOf(db, user.id, opts.accessTtlSeconds));
      return state.startsWith(`${user.ver}|`) && !state.includes(user.sid);
    },
    changed: (userId) => cache.invalidate(scope(userId)),
  };
}
