// Fan-out of seat events to the WebSocket viewers of each screening on this instance. Events are
// batched per screening (every batchMs) and each batch is serialised once for all its viewers.
// A batch carries the version range it covers (`from`..`version`); versions not yet seen (an event
// delayed on another instance) hold the batch back for up to gapWaitMs, then it goes anyway and the
// viewer, seeing `from` beyond its version + 1, re-fetches the map. The hub also remembers the
// newest version of every screening it has heard of, so cached seat maps can tell they are behind.
import type { SeatChange, SeatEvent, SeatEvents } from './events.ts';

export interface Viewer {
  send(text: string): void;
}

export interface Hub {
  join(screeningId: number, viewer: Viewer): () => void;
  /** newest seat-map version heard of for the screening (0 if none) */
  latestVersion(screeningId: number): number;
  viewers(screeningId: number): number;
  /** live viewers of every screening on this instance */
  totalViewers(): number;
  close(): void;
}

interface Room {
  viewers: Set<Viewer>;
  pending: SeatEvent[];
  /** the version the last batch ended at */
  sent: number;
  gapSince: number | null;
}

const MAX_TRACKED = 50_000;

export function createHub(events: SeatEvents, opts: { batchMs?: number; gapWaitMs?: number } = {}): Hub {
  const batchMs = opts.batchMs ?? 100;
  const gapWaitMs = opts.gapWaitMs ?? 400;
  const rooms = new Map<number, Room>();
  const latest = new Map<number, number>();

  const unsubscribe = events.subscribe((e) => {
    if (latest.size > MAX_TRACKED) latest.clear();
    if (e.version > (latest.get(e.screening_id) ?? 0)) latest.set(e.screening_id, e.version);
    const room = rooms.get(e.screening_id);
    if (room && e.version > room.sent) room.pending.push(e);
  });

  const timer = setInterval(() => {
    const now = Date.now();
    for (const [id, room] of rooms) flush(id, room, now);
  }, batchMs);
  timer.unref();

  function flush(screeningId: number, room: Room, now: number) {
    if (room.pending.length === 0) return;
    room.pending.sort((a, b) => a.version - b.version);
    const first = room.pending[0].version;
    if (room.sent > 0 && first > room.sent + 1) {
      // a version is missing: give it a moment to arrive, then let viewers re-fetch
      room.gapSince ??= now;
      if (now - room.gapSince < gapWaitMs) return;
    }
    room.gapSince = null;
    // the contiguous run from the first pending version
    let end = 0;
    while (end + 1 < room.pending.length && room.pending[end + 1].version <= room.pending[end].version + 1) end++;
    const batch = room.pending.splice(0, end + 1);
    const seats = new Map<number, SeatChange['status']>();
    for (const e of batch) for (const s of e.seats) seats.set(s.id, s.status);
    const last = batch[batch.length - 1].version;
    const text = JSON.stringify({
      type: 'delta',
      screening_id: screeningId,
      from: first,
      version: last,
      seats: [...seats].map(([id, status]) => ({ id, status })),
    });
    room.sent = last;
    for (const v of room.viewers) v.send(text);
  }

  return {
    join(screeningId, viewer) {
      let room = rooms.get(screeningId);
      if (!room) {
        room = { viewers: new Set(), pending: [], sent: latest.get(screeningId) ?? 0, gapSince: null };
        rooms.set(screeningId, room);
      }
      room.viewers.add(viewer);
      return () => {
        const r = rooms.get(screeningId);
        if (!r) return;
        r.viewers.delete(viewer);
        if (r.viewers.size === 0) rooms.delete(screeningId);
      };
    },
    latestVersion: (screeningId) => latest.get(screeningId) ?? 0,
    viewers: (screeningId) => rooms.get(screeningId)?.viewers.size ?? 0,
    totalViewers: () => {
      let n = 0;
      for (const room of rooms.values()) n += room.viewers.size;
      return n;
    },
    close() {
      clearInterval(timer);
      unsubscribe();
      rooms.clear();
    },
  };
}
