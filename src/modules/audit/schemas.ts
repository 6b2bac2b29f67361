// Wire shapes of the audit trail and the route schema of its read API.
import { Type } from 'typebox';
import { PageQuery } from '../../http/paging.ts';
import { Envelope, ListMeta, problems } from '../../http/schemas.ts';

export const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time', description: 'When (UTC)' }),
  actor: Type.Object({
    id: Type.Union([Type.Integer(), Type.Null()], { description: 'The account; null for a failed login or the system' }),
    role: Type.Union([Type.String(), Type.Null()], { description: 'The role it acted in at the time' }),
    label: Type.Union([Type.String(), Type.Null()], { description: 'Who in words where there is no account (the e-mail a failed login tried)' }),
  }),
  action: Type.String({ examples: ['screening.create'] }),
  entity: Type.String({ examples: ['screening'] }),
  entity_id: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown({ description: 'The entity before the change (null for a creation)' }),
  after: Type.Unknown({ description: 'The entity after the change (null for a deletion)' }),
  ip: Type.Union([Type.String(), Type.Null()], { description: 'The client address as trusted (TRUST_PROXY)' }),
  request_id: Type.Union([Type.String(), Type.Null()], { description: 'x-request-id of the request, to find its log lines' }),
});

export const listAuditSchema = {
  tags: ['audit'],
  summary: 'The audit trail, newest first (admin)',
  description:
    'Every staff and admin write, logins and failed logins, refund decisions, API keys issued or revoked. Append-only: ' +
    'the database refuses to change or delete an entry (except past AUDIT_RETENTION_DAYS). Filters combine; keyset pages.',
  querystring: Type.Object({
    ...PageQuery,
    actor_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
    action: Type.Optional(Type.String({ maxLength: 100, description: 'An action (refund.approve), or a prefix ending in "." (refund.)' })),
    entity: Type.Optional(Type.String({ maxLength: 100 })),
    entity_id: Type.Optional(Type.String({ maxLength: 100 })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'At or after (RFC 3339)' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Before (RFC 3339)' })),
  }),
  response: { 200: Envelope(Type.Array(AuditEntrySchema), { meta: ListMeta }), ...problems(400, 401, 403) },
};
