// Redis seat marks as a filter in front of PostgreSQL. One Lua call marks all seats of a hold
// attempt (SET ... PX per seat, all or nothing); a seat marked by another customer turns the
// request away before it costs PostgreSQL anything. It never grants: PostgreSQL's conditional write
// does, and any Redis failure simply skips the filter.
//
// A mark's life, and what bounds a wrong refusal:
// - set before PostgreSQL decides, for FASTPATH_TTL_MS: while the seat is being taken (a rival
//   would be refused by PostgreSQL too, as `contended`). A refusal removes it at once; a process that
//   dies mid-request leaves it at most FASTPATH_TTL_MS.
// - kept after PostgreSQL granted (`keep`, from afterSeatChange): until the hold ends, and for
//   HOLD_TTL_SECONDS after a sale. Only a mark that is still there and still the owner's is kept,
//   never made again: a release that ran in between (and removed it) is never undone.
// - removed when the seats go back on sale (release, expiry, replacement, refund restock: every one
//   goes through afterSeatChange). If that removal fails (Redis unreachable at that moment), the
//   mark refuses a free seat until its TTL ends: at most the hold's remaining time, or
//   HOLD_TTL_SECONDS for a sold seat. That is the bound on a wrong refusal.
import type { Redis } from 'ioredis';

export interface FastPath {
  readonly enabled: boolean;
  /** Marks the seats for owner; returns the seats someone else marked (then nothing was marked). */
  mark(screeningId: number, seatIds: number[], owner: string): Promise<number[] | 'skipped'>;
  /** The seats someone other than owner has marked, without marking anything. */
  markedByOthers(screeningId: number, seatIds: number[], owner: string): Promise<number[] | 'skipped'>;
  /** Keeps owner's marks of these seats for ttlMs more (the grant's life); marks gone stay gone. */
  keep(screeningId: number, seatIds: number[], owner: string, ttlMs: number): Promise<void>;
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

const KEEP = `
for i, k in ipairs(KEYS) do
  if redis.call('GET', k) == ARGV[1] then redis.call('PEXPIRE', k, ARGV[2]) end
end
return 0`;

const UNMARK = `
local n = 0
for i, k in ipairs(KEYS) do
  if redis.call('GET', k) == ARGV[1] then redis.call('DEL', k); n = n + 1 end
end
return n`;

export const noFastPath: FastPath = {
  enabled: false,
  mark: async () => 'skipped',
  markedByOthers: async () => 'skipped',
  keep: async () => {},
  unmark: async () => {},
};

type Scripts = Redis & {
  markSeats(...args: (string | number)[]): Promise<number[]>;
  keepSeats(...args: (string | number)[]): Promise<number>;
  unmarkSeats(...args: (string | number)[]): Promise<number>;
};

export function redisFastPath(client: Redis, prefix: string, ttlMs: number): FastPath {
  // defineCommand sends EVALSHA (falling back to EVAL once): the script text is not resent per call.
  client.defineCommand('markSeats', { lua: MARK });
  client.defineCommand('keepSeats', { lua: KEEP });
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
    async markedByOthers(screeningId, seatIds, owner) {
      if (seatIds.length === 0) return [];
      try {
        const owners = await client.mget(...keys(screeningId, seatIds));
        return seatIds.filter((_, i) => owners[i] !== null && owners[i] !== owner);
      } catch {
        return 'skipped';
      }
    },
    async keep(screeningId, seatIds, owner, keepMs) {
      if (seatIds.length === 0 || keepMs <= 0) return;
      await scripts.keepSeats(seatIds.length, ...keys(screeningId, seatIds), owner, Math.ceil(keepMs)).catch(() => {});
    },
    async unmark(screeningId, seatIds, owner) {
      if (seatIds.length === 0) return;
      await scripts.unmarkSeats(seatIds.length, ...keys(screeningId, seatIds), owner).catch(() => {});
    },
  };
}
