// Issuing, rotating and revoking partner keys (admins). Each is one transaction with its audit
// entry; the secret is in the answer of issue and rotate only, never stored or logged.
// - issue: a new key, acting as `account_id` when given (an existing customer account), otherwise as
//   a new partner account made for it
// - rotate: a new key with the same name, scopes, theaters, account and limit; the old one keeps
//   working for the grace period (both valid), then is refused
// - revoke: refused from the next request, on every instance (keys are read on every request)
import type { Deps } from '../../deps.ts';
import type { ApiKeyScope } from '../../http/api-key-scopes.ts';
import { AppError } from '../../http/errors.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import { insertPartnerAccount, lockRole } from '../auth/index.ts';
import { presentKey } from './presenter.ts';
import { type ApiKeyRow, findKey, insertKey, markRevoked, markRotated } from './queries.ts';
import { newKeySecret } from './secrets.ts';

export interface IssueBody {
  name: string;
  scopes: ApiKeyScope[];
  theater_ids?: number[] | null;
  account_id?: number;
  rate_limit_per_minute?: number;
}

export async function issueKey(deps: Deps, actor: Actor, body: IssueBody) {
  return deps.db.tx(async (trx) => {
    const secret = newKeySecret();
    const id = uuidv7();
    if (body.account_id !== undefined) {
      const role = await lockRole(trx, body.account_id);
      if (role === undefined) throw new AppError('validation_failed', 'account_id names no account');
      // a key acts as a customer: bound to a staff or admin account it would read their tickets and holds
      if (role !== 'customer') throw new AppError('validation_failed', 'account_id must name a customer account, not a staff or admin one');
    }
    const accountId = body.account_id ?? (await insertPartnerAccount(trx, body.name, secret.prefix.slice(3)));
    await insertKey(trx, {
      id,
      name: body.name,
      prefix: secret.prefix,
      secretSha256: secret.sha256,
      scopes: [...new Set(body.scopes)],
      theaterIds: body.theater_ids?.length ? [...new Set(body.theater_ids)] : null,
      accountId,
      rateLimitPerMinute: body.rate_limit_per_minute ?? deps.config.API_KEY_RATE_LIMIT,
      createdBy: actor.id,
    });
    const key = presentKey((await findKey(trx, id)) as ApiKeyRow);
    await recordAudit(trx, actor, { action: 'api_key.issue', entity: 'api_key', entityId: id, after: key });
    return { ...key, secret: secret.key };
  });
}

export async function rotateKey(deps: Deps, actor: Actor, id: string, graceSeconds: number) {
  return deps.db.tx(async (trx) => {
    const old = await usable(await findKey(trx, id, true));
    const secret = newKeySecret();
    const newId = uuidv7();
    await insertKey(trx, {
      id: newId,
      name: old.name,
      prefix: secret.prefix,
      secretSha256: secret.sha256,
      scopes: old.scopes,
      theaterIds: old.theater_ids,
      accountId: old.account_id,
      rateLimitPerMinute: old.rate_limit_per_minute,
      createdBy: actor.id,
    });
    await markRotated(trx, id, newId, graceSeconds);
    const before = presentKey(old);
    const replaced = presentKey((await findKey(trx, id)) as ApiKeyRow);
    const key = presentKey((await findKey(trx, newId)) as ApiKeyRow);
    await recordAudit(trx, actor, { action: 'api_key.rotate', entity: 'api_key', entityId: id, before, after: { old: replaced, new: key } });
    return { ...key, secret: secret.key, replaces: replaced };
  });
}

export async function revokeKey(deps: Deps, actor: Actor, id: string) {
  return deps.db.tx(async (trx) => {
    const row = await findKey(trx, id, true);
    if (!row) throw new AppError('not_found', 'No API key with that id');
    await markRevoked(trx, id);
    const key = presentKey((await findKey(trx, id)) as ApiKeyRow);
    if (!row.revoked_at)
      await recordAudit(trx, actor, { action: 'api_key.revoke', entity: 'api_key', entityId: id, before: presentKey(row), after: key });
    return key;
  });
}

async function usable(row: ApiKeyRow | undefined): Promise<ApiKeyRow> {
  if (!row) throw new AppError('not_found', 'No API key with that id');
  if (row.revoked_at) throw new AppError('api_key_inactive', 'The key is revoked');
  if (row.rotated_to) throw new AppError('api_key_inactive', 'The key was rotated already; rotate its successor');
  return row;
}
