// Seat events: every committed change of seat states of a screening, with the seat-map version it
// produced. Writers publish after commit; the realtime hub of every instance receives them. In
// process for the embedded default; through Redis pub/sub when REDIS_URL is set, so a hold made on
// instance A reaches viewers connected to instance B. Losing an event is tolerated by design: the
// next delta shows a version gap and the client re-fetches the seat map.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';

export interface SeatChange {
  id: number;
  status: 'available' | 'held' | 'sold' | 'blocked';
}

export interface SeatEvent {
  screening_id: number;
  version: number;
  seats: SeatChange[];
}

export interface SeatEvents {
  publish(event: SeatEvent): void;
  subscribe(listener: (event: SeatEvent) => void): () => void;
  close(): Promise<void>;
}

export function memoryEvents(): SeatEvents {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish: (event) => void emitter.emit('seat', event),
    subscribe(listener) {
      emitter.on('seat', listener);
      return () => emitter.off('seat', listener);
    },
    close: async () => void emitter.removeAllListeners(),
  };
}

/**
 * Redis pub/sub on one channel for all screenings: each instance receives every event and hands
 * it to its own subscribers. The publishing instance delivers to itself at once, and sends the
 * events of one turn of its event loop as one message (a batch of holds commits together: one
 * PUBLISH and one parse per instance for all of them, not one per hold). It skips its own message
 * when Redis echoes it, by its prefix, without parsing it. Publishing while Redis is down reaches
 * only this instance.
 * Message: {"o": <instance id>, "es": [SeatEvent, ...]} (an older instance's {"o", "e"} is read too).
 */
export function redisEvents(pub: Redis, sub: Redis, channel: string): SeatEvents {
  const local = memoryEvents();
  const self = randomUUID();
  const own = `{"o":"${self}"`;
  let pending: SeatEvent[] = [];
  let flushing: NodeJS.Immediate | undefined;
  const flush = () => {
    flushing = undefined;
    if (pending.length === 0) return;
    const es = pending;
    pending = [];
    pub.publish(channel, `${own},"es":${JSON.stringify(es)}}`).catch(() => {});
  };
  void sub.subscribe(channel).catch(() => {});
  // After a reconnect ioredis re-subscribes by itself (autoResubscribe).
  sub.on('message', (ch: string, message: string) => {
    if (ch !== channel || message.startsWith(own)) return;
    try {
      const m = JSON.parse(message) as { o: string; es?: SeatEvent[]; e?: SeatEvent };
      for (const e of m.es ?? (m.e ? [m.e] : [])) local.publish(e);
    } catch {
      // not ours: ignore
    }
  });
  return {
    publish(event) {
      local.publish(event);
      pending.push(event);
      flushing ??= setImmediate(flush);
    },
    subscribe: local.subscribe,
    async close() {
      if (flushing) clearImmediate(flushing);
      flush();
      await local.close();
      sub.disconnect();
    },
  };
}
