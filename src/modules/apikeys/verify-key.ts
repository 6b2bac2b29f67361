// Checking a presented key on every request: read from the database each time (no cache), so a key
// revoked on one instance is refused by every instance from its next request; then the key's own
// rate limit, counted in Redis so all instances share it. last_used_at is written at most once a
// minute per key and instance.
import type { Deps } from '../../deps.ts';
import type { ApiKeyScope } from '../../http/api-key-scopes.ts';
import type { ApiKeyCaller, ApiKeys } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { memoryKv } from '../../kv/memory.ts';
import { findKeyByPrefix, touchKey } from './queries.ts';
import { prefixOf, sameSecret } from './secrets.ts';

const TOUCH_EVERY_MS = 60_000;

export function apiKeyVerifier(deps: Deps): ApiKeys {
  const touched = new Map<string, number>();
  const local = memoryKv();
  return {
    async verify(secret): Promise<ApiKeyCaller> {
      const prefix = prefixOf(secret);
      const row = prefix ? await findKeyByPrefix(deps.db, prefix) : undefined;
      if (!row || !sameSecret(secret, row.secret_sha256)) throw new AppError('invalid_api_key');
      if (row.revoked_at) throw new AppError('invalid_api_key', 'The API key was revoked');
      if (row.expires_at && row.expires_at.getTime() <= Date.now()) throw new AppError('invalid_api_key', 'The API key has expired (rotated)');
      const hit = await deps.kv.hit(`apikey:${row.id}`, 60_000).catch(() => local.hit(`apikey:${row.id}`, 60_000));
      if (hit.count > row.rate_limit_per_minute) {
        const retryAfter = Math.max(1, Math.ceil(hit.resetMs / 1000));
        throw new AppError(
          'rate_limited',
          `This API key is over its ${row.rate_limit_per_minute} requests a minute`,
          { retry_after: retryAfter },
          {
            'Retry-After': String(retryAfter),
          },
        );
      }
      const now = Date.now();
      if ((touched.get(row.id) ?? 0) + TOUCH_EVERY_MS <= now) {
        touched.set(row.id, now);
        await touchKey(deps.db, row.id);
      }
      return {
        keyId: row.id,
        prefix: row.prefix,
        name: row.name,
        scopes: row.scopes as ApiKeyScope[],
        theaterIds: row.theater_ids,
        user: Object.freeze({ id: row.account_id, role: 'customer' as const, email: row.account_email, sid: row.id, ver: 0 }),
      };
    },
  };
}
