// The wire shape of a key (never its secret or hash).
import type { Static } from 'typebox';
import type { ApiKeyRow } from './queries.ts';
import type { ApiKeySchema } from './schemas.ts';

export function presentKey(k: ApiKeyRow, now = Date.now()): Static<typeof ApiKeySchema> {
  const status = k.revoked_at ? 'revoked' : k.expires_at && k.expires_at.getTime() <= now ? 'expired' : k.rotated_to ? 'rotating' : 'active';
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes as Static<typeof ApiKeySchema>['scopes'],
    theater_ids: k.theater_ids,
    account_id: k.account_id,
    rate_limit_per_minute: k.rate_limit_per_minute,
    status,
    created_at: k.created_at.toISOString(),
    expires_at: k.expires_at?.toISOString() ?? null,
    rotated_to: k.rotated_to,
    revoked_at: k.revoked_at?.toISOString() ?? null,
    last_used_at: k.last_used_at?.toISOString() ?? null,
  };
}
