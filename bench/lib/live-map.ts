// What a customer's seat picker shows: the live seat map of a screening (GET .../live, WebSocket),
// kept as one "free" byte per seat. bench/lib/steady.ts opens one per screening and lets every
// worker choose from it, as each customer's browser would from its own copy of the same stream.
// A delta arrives up to LIVE_BATCH_MS (+ delivery) after the change, so a choice can still be stale:
// those races show as 409s, as they would for real customers.
import WebSocket from 'ws';

export interface LiveMap {
  /** 1 = shown as available, by seat index (the order of `seatIds` given to openLiveMap) */
  free: Uint8Array;
  version: number;
  deltas: number;
  /** deltas whose `from` was past the version we had (a lost message); the map may be stale then */
  gaps: number;
  close(): void;
}

interface Delta {
  type: 'delta';
  from: number;
  version: number;
  seats: { id: number; status: string }[];
}

/** Resolves once the snapshot is in; rejects if the socket fails before that. */
export function openLiveMap(base: string, screeningId: number, token: string, seatIds: number[]): Promise<LiveMap> {
  const index = new Map(seatIds.map((id, i) => [id, i]));
  const url = `${base.replace(/^http/, 'ws')}/api/v1/screenings/${screeningId}/live?access_token=${token}`;
  const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 15_000 });
  const map: LiveMap = { free: new Uint8Array(seatIds.length), version: -1, deltas: 0, gaps: 0, close: () => ws.close(1000) };
  const apply = (seats: { id: number; status: string }[]) => {
    for (const s of seats) {
      const i = index.get(s.id);
      if (i !== undefined) map.free[i] = s.status === 'available' ? 1 : 0;
    }
  };
  return new Promise((resolve, reject) => {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { type: 'snapshot'; data: { version: number; seats: { id: number; status: string }[] } } | Delta;
      if (msg.type === 'snapshot') {
        apply(msg.data.seats);
        map.version = msg.data.version;
        resolve(map);
        return;
      }
      if (msg.type !== 'delta' || msg.version <= map.version) return;
      map.deltas++;
      if (msg.from > map.version + 1) map.gaps++;
      apply(msg.seats);
      map.version = msg.version;
    });
    ws.on('error', reject);
    ws.on('close', () => reject(new Error(`live map of screening ${screeningId} closed before its snapshot`)));
  });
}
