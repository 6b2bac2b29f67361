// Child process of bench/holds.ts (started by viewers.ts, IPC channel): `tokens.length` WebSocket
// viewers of one screening's live seat map (/api/v1/screenings/:id/live?access_token=...), kept in a
// process of their own so they do not share the load generator's event loop. Each viewer tracks the
// map version (snapshot, then deltas) and the first time (CLOCK_MONOTONIC ms) it saw each seat held.
// Messages: start -> {connected}, finish -> {result}, close -> closes every socket and exits.
import WebSocket from 'ws';
import { nowMs, sleep } from './http.ts';
import { latency } from './stats.ts';

interface Viewer {
  ws: WebSocket;
  version: number;
  open: boolean;
  gaps: number;
  deltas: number;
  heldAt: Float64Array;
  closeCode?: number;
}
interface Delta {
  from: number;
  version: number;
  seats: { id: number; status: string }[];
}
type Msg =
  | { type: 'start'; url: string; tokens: string[]; seatIds: number[]; concurrency: number }
  | { type: 'finish'; version: number; granted: [number, number][]; waitMs: number }
  | { type: 'close' };

const viewers: Viewer[] = [];
let index = new Map<number, number>();
let lastText = '';
let lastDelta: Delta | undefined;
const reply = (m: unknown) => process.send?.(m);

function onMessage(v: Viewer, data: WebSocket.RawData) {
  const t = nowMs();
  const text = data.toString();
  if (text.startsWith('{"type":"snapshot"')) {
    v.version = Math.max(v.version, Number(/"version"\s*:\s*(\d+)/.exec(text.slice(0, 400))?.[1] ?? -1));
    return;
  }
  // the same delta goes to every viewer: parse it once
  if (text !== lastText) {
    lastText = text;
    lastDelta = JSON.parse(text) as Delta;
  }
  const d = lastDelta as Delta;
  v.deltas++;
  if (d.version <= v.version) return;
  if (v.version >= 0 && d.from > v.version + 1) v.gaps++;
  v.version = d.version;
  for (const s of d.seats) {
    const i = index.get(s.id);
    if (i !== undefined && s.status === 'held' && v.heldAt[i] === 0) v.heldAt[i] = t;
  }
}

/** Opens one viewer; resolves once it has its snapshot (or failed). */
function open(url: string, token: string, seats: number): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url}?access_token=${token}`, { perMessageDeflate: false, handshakeTimeout: 15_000 });
    const v: Viewer = { ws, version: -1, open: false, gaps: 0, deltas: 0, heldAt: new Float64Array(seats) };
    viewers.push(v);
    ws.on('message', (data) => {
      onMessage(v, data);
      if (!v.open && v.version >= 0) {
        v.open = true;
        resolve();
      }
    });
    ws.on('close', (code) => {
      v.open = false;
      v.closeCode = code;
      resolve();
    });
    ws.on('error', () => resolve());
  });
}

async function start(m: Extract<Msg, { type: 'start' }>) {
  index = new Map(m.seatIds.map((id, i) => [id, i]));
  const t0 = nowMs();
  let next = 0;
  const worker = async () => {
    while (next < m.tokens.length) await open(m.url, m.tokens[next++], m.seatIds.length);
  };
  await Promise.all(Array.from({ length: m.concurrency }, worker));
  reply({
    type: 'connected',
    connected: viewers.filter((v) => v.open).length,
    failed: viewers.filter((v) => !v.open).length,
    ms: Math.round(nowMs() - t0),
  });
}

async function finish(m: Extract<Msg, { type: 'finish' }>) {
  const t0 = nowMs();
  while (viewers.some((v) => v.open && v.version < m.version) && nowMs() - t0 < m.waitMs) await sleep(50);
  const granted = new Map(m.granted);
  const lat: number[] = [];
  let missing = 0;
  for (const v of viewers) {
    for (const [id, i] of index) {
      const at = granted.get(id);
      if (at === undefined) continue;
      if (v.heldAt[i] > 0) lat.push(v.heldAt[i] - at);
      else missing++;
    }
  }
  const codes: Record<string, number> = {};
  for (const v of viewers) if (v.closeCode !== undefined) codes[v.closeCode] = (codes[v.closeCode] ?? 0) + 1;
  reply({
    type: 'result',
    viewers: viewers.length,
    still_open: viewers.filter((v) => v.open).length,
    reached_final_version: viewers.filter((v) => v.version >= m.version).length,
    waited_ms: Math.round(nowMs() - t0),
    close_codes: codes,
    delta_messages: viewers.reduce((n, v) => n + v.deltas, 0),
    version_gaps: viewers.reduce((n, v) => n + v.gaps, 0),
    seat_deliveries_missing: missing,
    delta_latency_ms: latency(lat),
  });
}

async function close() {
  for (const v of viewers) if (v.ws.readyState === WebSocket.OPEN || v.ws.readyState === WebSocket.CONNECTING) v.ws.close(1000);
  const t0 = nowMs();
  while (viewers.some((v) => v.ws.readyState !== WebSocket.CLOSED) && nowMs() - t0 < 5_000) await sleep(50);
  for (const v of viewers) if (v.ws.readyState !== WebSocket.CLOSED) v.ws.terminate();
  process.exit(0);
}

process.on('message', (m: Msg) => {
  if (m.type === 'start') void start(m);
  else if (m.type === 'finish') void finish(m);
  else void close();
});
process.on('disconnect', () => void close());
