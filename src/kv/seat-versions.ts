// The newest seat-map version of each screening, shared by every instance through Redis. A writer
// advances it after its transaction commits and before it answers (afterSeatChange), so once a
// customer holds a 201, every instance that reads the version before serving a cached seat map
// knows that map is older than the hold, and builds a fresh one. Seat events over pub/sub tell the
// same thing, but they leave the writer after its answer (batched on the next turn of its loop) and
// arrive tens of milliseconds later under load: a map read on another instance in between showed the
// seat still available.
//
// Advancing is monotonic (a Lua max), so writers that commit out of order never move it back. Keys
// live a day past their last change; a missing key reads as 0, which makes no map stale. Any Redis
// failure reads as 0 as well: the instance then knows only what its own hub has heard, and a cached
// map still lives at most its few seconds.
import type { Redis } from 'ioredis';

export interface SeatVersions {
  /** Records that the screening's seat map reached `version` (never lowers it). */
  advance(screeningId: number, version: number): Promise<void>;
  /** The newest version any instance recorded (0 when none, or Redis cannot be asked). */
  latest(screeningId: number): Promise<number>;
}

/** One process (the embedded default): its hub hears every change at once, nothing to share. */
export const localSeatVersions: SeatVersions = {
  advance: async () => {},
  latest: async () => 0,
};

const ADVANCE = `
local v = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 0`;

const KEEP_MS = 24 * 60 * 60 * 1000;

type Scripts = Redis & { advanceSeatVersion(key: string, version: number, ttlMs: number): Promise<number> };

export function redisSeatVersions(client: Redis, prefix: string): SeatVersions {
  client.defineCommand('advanceSeatVersion', { lua: ADVANCE, numberOfKeys: 1 });
  const scripts = client as Scripts;
  const key = (screeningId: number) => `${prefix}seatver:${screeningId}`;
  // reads not sent yet, by screening
  const waiting = new Map<number, Promise<number>>();
  return {
    async advance(screeningId, version) {
      try {
        await scripts.advanceSeatVersion(key(screeningId), version, KEEP_MS);
      } catch {
        // Redis down: other instances fall back to the seat events and the map's short TTL
      }
    },
    latest(screeningId) {
      // Reads of one screening that arrive in the same turn share one GET, sent on the next turn:
      // after every one of them began, so each still sees any version advanced before it began.
      let asked = waiting.get(screeningId);
      if (!asked) {
        asked = new Promise<number>((resolve) => {
          setImmediate(() => {
            waiting.delete(screeningId);
            client.get(key(screeningId)).then(
              (v) => resolve(Number(v ?? 0)),
              () => resolve(0),
            );
          });
        });
        waiting.set(screeningId, asked);
      }
      return asked;
    },
  };
}
