// The seed's Redis soft lock, as a filter in front of PostgreSQL: one Lua call marks all seats of a
// hold attempt (SET ... PX per seat, all or nothing). A seat already marked by another customer
// turns the request away before it costs PostgreSQL a write. It never decides on its own: a mark
// only lives FASTPATH_TTL_MS (a contention burst, not the hold), PostgreSQL's conditional write is
// what grants seats, and any Redis failure simply skips the filter.
import type { Redis } from 'ioredis';

export interface FastPath {
  readonly enabled: boolean;
  /** Marks the seats for owner; returns the seats someone else marked (then nothing was marked). */
  mark(screeningId: number, seatIds: number[], owner: string): Promise<number[] | 'skipped'>;
  /** Removes marks of owner (after PostgreSQL refused, or the hold ended). */
  unmark(screeningId: number, seatIds: number[], owner: string): Promise<void>;
}

const MARK = `
local taken = {}
for i, k in ipairs(KEYS) do
  local v = redis.call('GET', k)
  if v and v ~= ARGV[1] then taken[#taken + 1] = i end
end
if #taken > 0 then return taken end
for i, k in ipairs(KEYS) do redis.call('SET', k, ARGV[1], 'PX', ARGV[2]) end
return taken`;

const UNMARK = `
local n = 0
for i, k in ipairs(KEYS) do
  if redis.call('GET', k) == ARGV[1] then redis.call('DEL', k); n = n + 1 end
end
return n`;

export const noFastPath: FastPath = {
  enabled: false,
  mark: async () => 'skipped',
  unmark: async () => {},
};

type Scripts = Redis & {
  markSeats(...args: (string | number)[]): Promise<number[]>;
  unmarkSeats(...args: (string | number)[]): Promise<number>;
};

export function redisFastPath(client: Redis, prefix: string, ttlMs: number): FastPath {
  // defineCommand sends EVALSHA (falling back to EVAL once): the script text is not resent per call.
  client.defineCommand('markSeats', { lua: MARK });
  client.defineCommand('unmarkSeats', { lua: UNMARK });
  const scripts = client as Scripts;
  const keys = (screeningId: number, seatIds: number[]) => seatIds.map((id) => `${prefix}seat:${screeningId}:${id}`);
  return {
    enabled: true,
    async mark(screeningId, seatIds, owner) {
      try {
        const taken = await scripts.markSeats(seatIds.length, ...keys(screeningId, seatIds), owner, ttlMs);
        return taken.map((i) => seatIds[i - 1]);
      } catch {
        return 'skipped';
      }
    },
    async unmark(screeningId, seatIds, owner) {
      if (seatIds.length === 0) return;
      await scripts.unmarkSeats(seatIds.length, ...keys(screeningId, seatIds), owner).catch(() => {});
    },
  };
}
