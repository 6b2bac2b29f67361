// A live seat-map viewer, as a browser would run it: snapshot, then deltas; a delta whose `from`
// skips past version + 1 means something was missed, so it re-fetches the map over HTTP.
import WebSocket from 'ws';

export interface LiveClient {
  map: Map<number, string>;
  version: number;
  /** versions of every delta applied, in order */
  applied: number[];
  refetches: number;
  ready: Promise<void>;
  /** resolves when the client's version reaches v */
  reach(v: number, timeoutMs?: number): Promise<number>;
  close(): void;
}

export function liveClient(baseUrl: string, screeningId: number, token: string, opts: { authByMessage?: boolean } = {}): LiveClient {
  const wsUrl = `${baseUrl.replace(/^http/, 'ws')}/api/v1/screenings/${screeningId}/live${opts.authByMessage ? '' : `?access_token=${token}`}`;
  const ws = new WebSocket(wsUrl);
  const state: LiveClient = {
    map: new Map(),
    version: -1,
    applied: [],
    refetches: 0,
    ready: Promise.resolve(),
    reach: async () => 0,
    close: () => ws.close(),
  };
  let early: any[] = [];
  let waiters: { v: number; resolve: (t: number) => void }[] = [];
  const started = performance.now();
  const settle = () => {
    waiters = waiters.filter((w) => {
      if (state.version >= w.v) w.resolve(performance.now() - started);
      return state.version < w.v;
    });
  };
  const load = (data: { version: number; seats: { id: number; status: string }[] }) => {
    state.map = new Map(data.seats.map((s) => [s.id, s.status]));
    state.version = data.version;
  };
  const refetch = async () => {
    state.refetches++;
    const r = await fetch(`${baseUrl}/api/v1/screenings/${screeningId}/seats`);
    const body = (await r.json()) as { data: { version: number; seats: { id: number; status: string }[] } };
    if (body.data.version > state.version) load(body.data);
    settle();
  };
  const apply = (m: { from: number; version: number; seats: { id: number; status: string }[] }) => {
    if (m.version <= state.version) return;
    if (m.from > state.version + 1) {
      void refetch();
      return;
    }
    for (const s of m.seats) state.map.set(s.id, s.status);
    state.version = m.version;
    state.applied.push(m.version);
    settle();
  };
  state.ready = new Promise((resolve, reject) => {
    ws.on('open', () => {
      if (opts.authByMessage) ws.send(JSON.stringify({ type: 'auth', token }));
    });
    ws.on('message', (raw) => {
      const m = JSON.parse(String(raw));
      if (m.type === 'snapshot') {
        load(m.data);
        for (const d of early) apply(d);
        early = [];
        settle();
        resolve();
      } else if (m.type === 'delta') {
        if (state.version < 0) early.push(m);
        else apply(m);
      }
    });
    ws.on('close', (code) => reject(new Error(`closed ${code}`)));
    ws.on('error', reject);
  });
  state.reach = (v, timeoutMs = 5_000) =>
    new Promise((resolve, reject) => {
      if (state.version >= v) return resolve(0);
      const timer = setTimeout(() => reject(new Error(`version ${state.version} never reached ${v}`)), timeoutMs);
      waiters.push({ v, resolve: (t) => (clearTimeout(timer), resolve(t)) });
    });
  return state;
}

/** Resolves with the close code of a socket the server refuses (or -1 if it is still open after timeoutMs). */
export function closeCode(url: string, firstMessage?: string, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => {
      resolve(-1);
      ws.terminate();
    }, timeoutMs);
    ws.on('open', () => firstMessage !== undefined && ws.send(firstMessage));
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    ws.on('error', () => {});
  });
}
