// The API client: typed from the server's OpenAPI document (schema.d.ts, `npm run api-types`).
// Every call carries the access token held in memory; on a 401 it renews the session once through
// the refresh cookie and tries again.
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';
import { renew, session } from '../session.ts';
import { locale } from '../i18n/index.ts';
import { PROBLEMS_ID } from '../i18n/problems.ts';
import { heardFromServer } from '../lib/server-clock.ts';

export type { components, paths };

function withToken(request: Request): Request {
  const token = session.get().token;
  if (token) request.headers.set('authorization', `Bearer ${token}`);
  return request;
}

async function authedFetch(input: Request): Promise<Response> {
  const again = input.clone();
  const hadToken = session.get().token !== null;
  const res = await fetch(withToken(input));
  heardFromServer(res.headers.get('date'));
  if (res.status !== 401 || !hadToken) return res;
  return (await renew()) ? fetch(withToken(again)) : res;
}

export const api = createClient<paths>({ fetch: authedFetch });

/** What an API error says to a person: the server's message (problem+json) in English, its code's
 * translation in Bahasa Indonesia, or the HTTP status. */
export function problemText(error: unknown, response?: Response): string {
  const code = problemCode(error);
  if (code && locale.get() === 'id' && PROBLEMS_ID[code]) return PROBLEMS_ID[code];
  if (error && typeof error === 'object' && 'message' in error && typeof error.message === 'string') return error.message;
  return response ? `HTTP ${response.status}` : String(error);
}

export function problemCode(error: unknown): string | undefined {
  return error && typeof error === 'object' && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
