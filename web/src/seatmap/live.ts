// Keeps a seat map current. Signed in: the live WebSocket (token in the first message, never in the
// URL), a snapshot then deltas; on a gap or a dropped socket it reconnects with backoff (0.5 s
// doubling to 10 s, with jitter) and the new snapshot re-syncs the map. Not signed in: the seat map
// is read again every few seconds (If-None-Match, so an unchanged map costs a 304).
import { applyDelta } from './apply.ts';
import type { SeatDelta, SeatMap, SeatStatus } from './types.ts';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'polling';

export interface LiveOptions {
  screeningId: number;
  token: () => string | null;
  onMap: (map: SeatMap, changed?: { id: number; status: SeatStatus }[]) => void;
  onState: (state: LiveState) => void;
  pollMs?: number;
}

export interface Following {
  /** reads the map again now (after a change the socket does not announce, e.g. a hold running out) */
  resync(): void;
  stop(): void;
}

export function followSeatMap(o: LiveOptions): Following {
  let stopped = false;
  let map: SeatMap | undefined;
  let socket: WebSocket | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let etag = '';

  const fetchMap = async () => {
    const res = await fetch(`/api/v1/screenings/${o.screeningId}/seats`, { headers: etag ? { 'if-none-match': etag } : {} });
    if (res.status === 304 || !res.ok) return;
    etag = res.headers.get('etag') ?? '';
    const body = await res.json();
    if (stopped) return;
    map = body.data as SeatMap;
    o.onMap(map);
  };

  const poll = () => {
    o.onState('polling');
    const tick = () => {
      if (stopped) return;
      fetchMap()
        .catch(() => undefined)
        .finally(() => {
          if (!stopped) timer = setTimeout(tick, o.pollMs ?? 3000);
        });
    };
    tick();
  };

  const reconnect = () => {
    if (stopped) return;
    o.onState('reconnecting');
    const delay = Math.min(10_000, 500 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
    attempt++;
    timer = setTimeout(connect, delay);
  };

  const connect = () => {
    if (stopped) return;
    const token = o.token();
    if (!token) return poll();
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/api/v1/screenings/${o.screeningId}/live`);
    socket = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token }));
    ws.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data));
      if (msg.type === 'snapshot') {
        attempt = 0;
        map = msg.data as SeatMap;
        o.onMap(map);
        o.onState('live');
      } else if (msg.type === 'delta' && map) {
        const r = applyDelta(map, msg as SeatDelta);
        if (r.kind === 'applied') {
          map = r.map;
          o.onMap(map, r.changed);
        } else if (r.kind === 'gap') {
          ws.close(4000, 'missed a delta'); // a fresh snapshot after reconnecting
        }
      }
    };
    ws.onclose = (ev) => {
      if (socket !== ws) return;
      // 4429: this account or address has its share of live sockets open (other tabs): poll instead
      if (ev.code === 4429) poll();
      else reconnect();
    };
  };

  if (o.token()) {
    o.onState('connecting');
    // the map first over HTTP (cached, fast), then live
    fetchMap()
      .catch(() => undefined)
      .finally(connect);
  } else poll();

  return {
    resync: () => {
      etag = '';
      void fetchMap().catch(() => undefined);
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      const ws = socket;
      socket = undefined;
      ws?.close(1000, 'left the page');
    },
  };
}
