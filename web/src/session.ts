// Who is signed in. The access token lives in memory only (never in storage a script could read
// later); the refresh token is an HttpOnly cookie the server sets (`refresh_cookie: true`), so a
// reload or the return from the payment page renews the session with POST /auth/refresh.
import { locale } from './i18n/index.ts';
import { createStore } from './lib/store.ts';

export interface User {
  id: number;
  email: string;
  full_name: string;
  role: 'customer' | 'staff' | 'admin';
  /** the language of the account's messages (lib/account-locale.ts keeps it the page's) */
  locale?: 'en' | 'id';
}

export interface SessionState {
  user: User | null;
  token: string | null;
  /** false until the first renewal attempt has answered */
  ready: boolean;
}

export const session = createStore<SessionState>({ user: null, token: null, ready: false });

let timer: ReturnType<typeof setTimeout> | undefined;
let renewing: Promise<boolean> | undefined;

interface SessionAnswer {
  token: string;
  expires_in: number;
  user: User;
}

function adopt(s: SessionAnswer) {
  session.set({ user: s.user, token: s.token, ready: true });
  clearTimeout(timer);
  // renew a little before the access token runs out
  timer = setTimeout(() => void renew(), Math.max(5, s.expires_in - 30) * 1000);
}

function forget() {
  clearTimeout(timer);
  session.set({ user: null, token: null, ready: true });
}

async function post(
  path: string,
  body: unknown,
): Promise<{ ok: boolean; status: number; data?: SessionAnswer; problem?: { code?: string; message?: string } }> {
  const res = await fetch(`/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  return res.ok ? { ok: true, status: res.status, data: json.data } : { ok: false, status: res.status, problem: json };
}

// The cookie is single use: two tabs presenting it at once would look like a stolen token replayed,
// and the server ends the session. Tabs take turns (Web Locks), so each presents the cookie the
// previous one was given.
function oneTabAtATime<T>(fn: () => Promise<T>): Promise<T> {
  return navigator.locks ? (navigator.locks.request('cinema-session-refresh', fn) as Promise<T>) : fn();
}

/** Renews the access token through the refresh cookie; one at a time, in this tab and across tabs. */
export function renew(): Promise<boolean> {
  renewing ??= oneTabAtATime(() => post('/auth/refresh', {}))
    .then((r) => {
      if (r.ok && r.data) adopt(r.data);
      else forget();
      return r.ok;
    })
    .catch(() => {
      session.set({ ...session.get(), ready: true });
      return false;
    })
    .finally(() => {
      renewing = undefined;
    });
  return renewing;
}

export async function logIn(email: string, password: string) {
  const r = await post('/auth/login', { email, password, refresh_cookie: true });
  if (r.ok && r.data) adopt(r.data);
  return r;
}

export async function register(fields: { email: string; password: string; full_name: string }) {
  const r = await post('/auth/register', { ...fields, locale: locale.get(), refresh_cookie: true });
  if (r.ok && r.data) adopt(r.data);
  return r;
}

export async function logOut() {
  await post('/auth/logout', {}).catch(() => undefined);
  forget();
}
