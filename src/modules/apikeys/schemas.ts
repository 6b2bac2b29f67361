// Wire shapes of partner API keys and their admin routes.
import { Type } from 'typebox';
import { API_KEY_SCOPES } from '../../http/api-key-scopes.ts';
import { Envelope, problems, Timestamp } from '../../http/schemas.ts';

const Scope = Type.Enum([...API_KEY_SCOPES]);
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const ApiKeySchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  prefix: Type.String({ description: 'The visible start of the key (ck_xxxxxxxx): how to tell keys apart; the secret is never shown again' }),
  scopes: Type.Array(Scope),
  theater_ids: Type.Union([Type.Array(Type.Integer()), Type.Null()], { description: 'null: every theater' }),
  account_id: Type.Integer({ description: 'The account the key acts as: holds and tickets made with it are this account’s' }),
  rate_limit_per_minute: Type.Integer(),
  status: Type.Enum(['active', 'rotating', 'expired', 'revoked'], { description: 'rotating: replaced, still valid until expires_at' }),
  created_at: Timestamp('Issued'),
  expires_at: Nullable(Type.String({ format: 'date-time', description: 'A rotated key stops working then' })),
  rotated_to: Nullable(Type.String({ format: 'uuid' })),
  revoked_at: Nullable(Type.String({ format: 'date-time' })),
  last_used_at: Nullable(Type.String({ format: 'date-time', description: 'Updated at most once a minute' })),
});

export const IssuedKeySchema = Type.Object({
  ...ApiKeySchema.properties,
  secret: Type.String({ description: 'The key itself, shown this once: send it as X-Api-Key' }),
});

const tags = ['api keys'];
const KeyParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const issueKeySchema = {
  tags,
  summary: 'Issue a partner API key (admin); the secret is in this answer only',
  body: Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 100, examples: ['Kiosk, Grand Indonesia lobby'] }),
      scopes: Type.Array(Scope, { minItems: 1, uniqueItems: true }),
      theater_ids: Type.Optional(Type.Union([Type.Array(Type.Integer({ minimum: 1, maximum: 2147483647 }), { maxItems: 100 }), Type.Null()])),
      account_id: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 2147483647, description: 'Act as this existing account; default: a new partner account' }),
      ),
      rate_limit_per_minute: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    },
    { additionalProperties: false },
  ),
  response: { 201: Envelope(IssuedKeySchema), ...problems(400, 401, 403) },
};

export const listKeysSchema = {
  tags,
  summary: 'Partner API keys, newest first (admin); never their secrets',
  response: { 200: Envelope(Type.Array(ApiKeySchema)), ...problems(401, 403) },
};

export const rotateKeySchema = {
  tags,
  summary: 'Rotate a key: a new secret; the old one works for the grace period, then not (admin)',
  params: KeyParams,
  body: Type.Optional(
    Type.Object({ grace_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 86_400 })) }, { additionalProperties: false }),
  ),
  response: { 201: Envelope(Type.Object({ ...IssuedKeySchema.properties, replaces: ApiKeySchema })), ...problems(400, 401, 403, 404, 409) },
};

export const revokeKeySchema = {
  tags,
  summary: 'Revoke a key: refused from its next request on every instance (admin)',
  params: KeyParams,
  response: { 200: Envelope(ApiKeySchema), ...problems(400, 401, 403, 404) },
};
