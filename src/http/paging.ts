// Keyset pagination shared by list routes: `limit` (1-100, default 20) and an opaque `cursor` that
// encodes the last item's (show_time, id). Keyset pages neither skip nor repeat items when rows are
// inserted between page requests.
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { decodeCursor, encodeCursor } from '../lib/cursor.ts';
import { AppError } from './errors.ts';
import { envelopeText, sendJsonText } from './raw-json.ts';

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Page size, 1-100' })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'meta.next_cursor of the previous page' })),
};

export interface TimeKey {
  showTime: string;
  id: number;
}

/** The position a cursor names, or 400 for anything we did not issue. */
export function afterCursor(cursor: string | undefined): TimeKey | undefined {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(cursor);
  if (!key || typeof key[0] !== 'string' || Number.isNaN(Date.parse(key[0])) || !Number.isSafeInteger(key[1])) {
    throw new AppError('validation_failed', 'cursor is not valid');
  }
  return { showTime: key[0], id: key[1] as number };
}

export interface Page {
  /** JSON array text of the items */
  data: string;
  /** sort key of the last item, when more items follow */
  next: TimeKey | null;
}

/** The whole response body of a page: `{success, message, data, meta: {next_cursor, limit}}`. */
export function pageBody(message: string, page: Page, limit: number): string {
  const next = page.next ? encodeCursor([page.next.showTime, page.next.id]) : null;
  return envelopeText(message, page.data, { meta: { next_cursor: next, limit } });
}

/** Sends a page of JSON items with `meta: {next_cursor, limit}`. */
export function sendPage(reply: FastifyReply, message: string, page: Page, limit: number) {
  return sendJsonText(reply, pageBody(message, page, limit));
}
