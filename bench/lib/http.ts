// A small JSON client on an undici Agent with a bounded number of connections, for load that
// autocannon cannot express (a different body per request, decisions on each answer). Many simulated
// customers share `connections` sockets: a request waits in the agent's queue for a free socket, and
// that wait counts in its latency, as it would for a customer.
import { Agent, request } from 'undici';

/** Milliseconds on CLOCK_MONOTONIC (process.hrtime): comparable between processes of one machine. */
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Reply {
  /** 0 when the request failed without an HTTP answer (see `error`) */
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  /** when the request was issued and when its answer was complete (nowMs) */
  sentAt: number;
  doneAt: number;
  error?: string;
}

/** At most `connections` keep-alive connections per origin, whatever the number of callers. */
export const pool = (connections: number) =>
  new Agent({ connections, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 30_000, bodyTimeout: 30_000 });

/** One request with a JSON body (or none); parses a JSON answer. Never throws. */
export async function call(agent: Agent, url: string, method: 'GET' | 'POST', headers: Record<string, string> = {}, body?: unknown): Promise<Reply> {
  const sentAt = nowMs();
  const hdrs = body === undefined ? headers : { ...headers, 'content-type': 'application/json' };
  try {
    const res = await request(url, { dispatcher: agent, method, headers: hdrs, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.body.text();
    let parsed: unknown = text;
    if (/json/.test(String(res.headers['content-type'] ?? ''))) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // keep the text
      }
    }
    return { status: res.statusCode, body: parsed, sentAt, doneAt: nowMs() };
  } catch (err) {
    return { status: 0, body: undefined, sentAt, doneAt: nowMs(), error: (err as Error).message };
  }
}
