// Route schemas of the outbox's dead letters (admin).
import { Type } from 'typebox';
import { Envelope, problems } from '../../http/schemas.ts';

const tags = ['outbox'];

export const DeadLetterSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  dedupe_key: Type.String(),
  kind: Type.String({ examples: ['ticket_issued'] }),
  channel: Type.String({ examples: ['email', 'sms', 'event'] }),
  recipient: Type.String(),
  attempts: Type.Integer(),
  last_error: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
});

export const listDeadSchema = {
  tags,
  summary: 'Messages the outbox gave up on, newest first (admin)',
  querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }),
  response: { 200: Envelope(Type.Array(DeadLetterSchema)), ...problems(400, 401, 403) },
};

export const requeueSchema = {
  tags,
  summary: 'Queue a dead message again, with a fresh set of attempts (admin)',
  description: 'It keeps its id, so an idempotent receiver still dedupes it. 404 dead_letter_not_found when no dead message has this id.',
  params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
  response: {
    200: Envelope(Type.Object({ id: Type.String({ format: 'uuid' }), status: Type.Literal('pending') })),
    ...problems(400, 401, 403, 404),
  },
};
