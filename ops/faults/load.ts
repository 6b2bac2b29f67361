// The contended load the faults happen under, through the balancer: customers racing for the same
// seats of a few screenings, as the web app behaves. Each customer, in a loop: reads a seat map,
// picks two adjacent seats among the first free ones (so many customers want the same pairs), holds
// them with an Idempotency-Key; on a 201, either checks out and pays at the gateway simulator
// (approving the payment as the customer would), or releases the hold after a moment, or keeps it;
// and between holds reads the catalog, the screenings and "my tickets".
//
// Like the web app, a 503 (or any failure without an answer) is retried after Retry-After with the
// SAME Idempotency-Key, and a 409 idempotency_in_flight is asked again a little later. And like the
// browser under it: a request on a kept-alive connection that the balancer closes before a single
// byte of answer is sent again at once on a new connection. That close is HTTP/1.1's way of saying
// "not processed here, send it again" (HAProxy does it when the instance behind dies on a request
// that was not the connection's first: on a first one it answers 502, which it turns into 503, see
// ops/cluster/cluster.ts); browsers resend without the page noticing. It is counted on its own
// (`resent`); the resend's own failure counts as dropped. Every answer
// is counted by kind (tally), and what the service acknowledged is written down for the checks: each
// 201 hold, each release the customer asked for, each payment the gateway approved.
import { randomUUID } from 'node:crypto';
import { Agent, Client, type Dispatcher, request } from 'undici';
import type { Customer } from '../../bench/lib/customers.ts';

export interface Tally {
  requests: number;
  ok: number;
  /** 4xx: answers (seat taken, in flight, ...), not failures */
  refused: number;
  /** the 4xx by their code (seat_unavailable: the race was lost) */
  refusals: Record<string, number>;
  /** 503 with Retry-After: the one allowed way to fail */
  unavailable: number;
  internal: number;
  /** any other 5xx, a 503 without Retry-After among them */
  otherServerError: number;
  /** no HTTP answer: refused, reset or dropped connection, timeout */
  dropped: number;
  /** kept-alive connections closed before any answer, the request sent again on a new one (browser-like) */
  resent: number;
  /** a few of the failures that are breaches, to show what they were */
  samples: string[];
}

export const emptyTally = (): Tally => ({
  requests: 0,
  ok: 0,
  refused: 0,
  refusals: {},
  unavailable: 0,
  internal: 0,
  otherServerError: 0,
  dropped: 0,
  resent: 0,
  samples: [],
});

export interface Grant {
  holdId: string;
  screeningId: number;
  userId: number;
  seatIds: number[];
  phase: string;
}

export interface Approved {
  gatewayPaymentId: string;
  ticketId: string;
  holdId: string;
  seats: number;
  phase: string;
}

/** What the service acknowledged over the whole run. */
export interface Acknowledged {
  grants: Map<string, Grant>;
  /** holds whose release the customer asked for (before the first DELETE is sent) */
  released: Set<string>;
  approved: Approved[];
}

export const emptyAcknowledged = (): Acknowledged => ({ grants: new Map(), released: new Set(), approved: [] });

export interface LoadOptions {
  baseUrl: string;
  gatewayUrl: string;
  customers: Customer[];
  screenings: number[];
  /** the label the grants and payments of this run get */
  phase: string;
  /** share of 201s that go on to checkout and payment; of the rest, share released after a moment */
  checkoutShare: number;
  releaseShare: number;
}

export interface Load {
  tally: Tally;
  stop(): Promise<void>;
}

interface Answer {
  status: number;
  retryAfter?: string;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of many routes
  body: any;
  error?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const pick = <T>(a: T[]) => a[Math.floor(Math.random() * a.length)];
const MAX_ATTEMPTS = 40;

export function startLoad(opts: LoadOptions, ack: Acknowledged): Load {
  const tally = emptyTally();
  // a bounded number of connections to the balancer, shared by all customers (as a browser's are not,
  // but the machine has 2 cores); HAProxy keeps idle client connections 10 s, we 4 s (undici's default)
  const agent = new Agent({ connections: 64, headersTimeout: 30_000, bodyTimeout: 30_000 });
  let going = true;

  const once = async (
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: unknown,
    dispatcher: Dispatcher = agent,
  ): Promise<Answer> => {
    try {
      const res = await request(url, {
        dispatcher,
        method: method as 'GET',
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.body.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // an HTML error page, or empty
      }
      const ra = res.headers['retry-after'];
      return { status: res.statusCode, retryAfter: ra === undefined ? undefined : String(ra), body: parsed };
    } catch (err) {
      return { status: 0, body: undefined, error: `${(err as Error & { code?: string }).code ?? ''} ${(err as Error).message}` };
    }
  };

  const count = (method: string, path: string, a: Answer) => {
    tally.requests++;
    const breach = (kind: string) => {
      if (tally.samples.length < 8)
        tally.samples.push(
          `${kind}: ${method} ${path} -> ${a.status || a.error} ${typeof a.body === 'string' ? a.body.slice(0, 120) : JSON.stringify(a.body ?? '').slice(0, 160)}`,
        );
    };
    if (a.status === 0) {
      tally.dropped++;
      breach('dropped');
    } else if (a.status < 300) tally.ok++;
    else if (a.status < 500) {
      tally.refused++;
      const code = `${a.status} ${a.body?.code ?? '?'}`;
      tally.refusals[code] = (tally.refusals[code] ?? 0) + 1;
    } else if (a.status === 503 && a.retryAfter !== undefined) tally.unavailable++;
    else if (a.status === 500) {
      tally.internal++;
      breach('500');
    } else {
      tally.otherServerError++;
      breach(`${a.status}${a.status === 503 ? ' without Retry-After' : ''}`);
    }
  };

  /** One call as the web app makes it: failures retried with the same headers (the same key). */
  const call = async (method: string, path: string, token: string | undefined, body?: unknown, key?: string): Promise<Answer> => {
    const url = path.startsWith('http') ? path : `${opts.baseUrl}/api/v1${path}`;
    const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(key ? { 'idempotency-key': key } : {}) };
    let a: Answer = { status: 0, body: undefined };
    let inFlightSeen = 0;
    const shape = path.replace(/[0-9a-f-]{36}/g, ':id').replace(/\/\d+\//g, '/:n/');
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      a = await once(method, url, headers, body);
      if (a.status === 0 && /UND_ERR_SOCKET|ECONNRESET/.test(a.error ?? '')) {
        tally.resent++;
        const fresh = new Client(new URL(url).origin);
        a = await once(method, url, headers, body, fresh);
        await fresh.close();
      }
      count(method, shape, a);
      // a first attempt cut off by the fault may leave its key in flight (up to a minute, see
      // src/http/idempotency.ts): asked a few times, then the customer gives up on it
      const inFlight = a.status === 409 && a.body?.code === 'idempotency_in_flight' && ++inFlightSeen <= 4;
      if (!(a.status === 0 || a.status >= 500 || inFlight)) return a;
      // Retry-After in seconds (at most 2 here, so a run stays short), else half a second
      const wait = a.retryAfter && /^\d+$/.test(a.retryAfter) ? Math.min(Number(a.retryAfter), 2) * 1000 : 500;
      await sleep(wait + Math.random() * 200);
    }
    return a;
  };

  const gatewayApprove = async (gatewayPaymentId: string) =>
    once('POST', `${opts.gatewayUrl}/_gateway/payments/${gatewayPaymentId}/approve`, { accept: 'application/json' });

  const read = (c: Customer) => {
    const which = Math.floor(Math.random() * 4);
    if (which === 0) return call('GET', '/screenings?limit=20', c.token);
    if (which === 1) return call('GET', '/movies', undefined);
    if (which === 2) return call('GET', '/cities', undefined);
    return call('GET', '/me/tickets', c.token);
  };

  /** Two seats next to each other among the first free ones of the map (where everyone looks first). */
  const choosePair = (seats: { id: number; x: number; y: number; status: string }[]): number[] | undefined => {
    const free = seats.filter((s) => s.status === 'available').sort((a, b) => a.y - b.y || a.x - b.x);
    const pairs: number[][] = [];
    for (let i = 0; i + 1 < free.length && pairs.length < 8; i++) {
      if (free[i].y === free[i + 1].y && free[i + 1].x === free[i].x + 1) pairs.push([free[i].id, free[i + 1].id]);
    }
    return pairs.length > 0 ? pick(pairs) : undefined;
  };

  const afterHold = async (c: Customer, holdId: string, seatIds: number[]) => {
    const roll = Math.random();
    if (roll < opts.checkoutShare) {
      const co = await call('POST', `/holds/${holdId}/checkout`, c.token, { payment_method: 'card' }, randomUUID());
      const gatewayId = co.status === 201 ? (co.body?.data?.payment?.id as string | null) : null;
      if (!gatewayId) return;
      const ok = await gatewayApprove(gatewayId);
      if (ok.status === 200 && ok.body?.status === 'captured') {
        ack.approved.push({ gatewayPaymentId: gatewayId, ticketId: co.body.data.ticket.id, holdId, seats: seatIds.length, phase: opts.phase });
      }
    } else if (roll < opts.checkoutShare + opts.releaseShare) {
      await sleep(100 + Math.random() * 400);
      ack.released.add(holdId);
      await call('DELETE', `/holds/${holdId}`, c.token);
    }
  };

  const customer = async (c: Customer) => {
    while (going) {
      if (Math.random() < 0.5) await read(c);
      const screeningId = pick(opts.screenings);
      const map = await call('GET', `/screenings/${screeningId}/seats`, c.token);
      const seatIds = map.status === 200 ? choosePair(map.body.data.seats) : undefined;
      if (!seatIds) {
        await sleep(200);
        continue;
      }
      const hold = await call('POST', `/screenings/${screeningId}/holds`, c.token, { seat_ids: seatIds }, randomUUID());
      if (hold.status === 201) {
        const holdId = hold.body.data.id as string;
        ack.grants.set(holdId, { holdId, screeningId, userId: c.id, seatIds: hold.body.data.seat_ids ?? seatIds, phase: opts.phase });
        await afterHold(c, holdId, seatIds);
      }
    }
  };

  const loops = opts.customers.map((c) => customer(c));
  return {
    tally,
    async stop() {
      going = false;
      await Promise.all(loops);
      await agent.close();
    },
  };
}
