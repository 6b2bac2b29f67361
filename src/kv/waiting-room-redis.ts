// The waiting room on Redis, shared by every instance: one Lua call per hold attempt counts it,
// engages the room past the threshold, and (when engaged) gives the customer their place and lets
// the bucket through (waiting-room.ts has the rules; the arithmetic is the same as `admit` and `stateOf`).
// The time is Redis's own (TIME), so instances' clocks need not agree. Keys, all with the screening's
// hash tag (one slot in a Redis Cluster), all named in KEYS: `wr:{s<id>}:n` (this second's attempts:
// the second and the count),
// `wr:{s<id>}:on` (engaged, PX linger), `wr:{s<id>}:b` (the bucket, kept linger + pass after its last
// use) and `wr:{s<id>}:m:<user>` (a place, kept pass after the customer's last attempt, so never
// longer than the bucket it belongs to).
import type { Redis } from 'ioredis';
import { type RoomSettings, type RoomState, stateOf, type WaitingRoom } from './waiting-room.ts';

const PLACE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local threshold = tonumber(ARGV[1])
local lingerMs = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local passMs = tonumber(ARGV[4])
if threshold > 0 then
  local second = math.floor(now / 1000)
  local n = 1
  if tonumber(redis.call('HGET', KEYS[1], 's')) == second then
    n = redis.call('HINCRBY', KEYS[1], 'n', 1)
  else
    redis.call('HSET', KEYS[1], 's', second, 'n', 1)
  end
  redis.call('PEXPIRE', KEYS[1], 2000)
  if n > threshold then redis.call('SET', KEYS[2], '1', 'PX', lingerMs) end
end
if redis.call('EXISTS', KEYS[2]) == 0 then return {0} end
local b = redis.call('HMGET', KEYS[3], 'next', 'admitted', 'tokens', 'at')
local nxt = tonumber(b[1]) or 0
local admitted = tonumber(b[2]) or 0
local tokens = tonumber(b[3]) or rate
local at = tonumber(b[4]) or now
local pos = tonumber(redis.call('GET', KEYS[4]))
if not pos then
  nxt = nxt + 1
  pos = nxt
end
redis.call('SET', KEYS[4], pos, 'PX', passMs)
local accrued = tokens + math.max(0, now - at) * rate / 1000
local n = math.max(0, math.min(nxt - admitted, math.floor(accrued)))
admitted = admitted + n
tokens = math.min(rate, accrued - n)
redis.call('HSET', KEYS[3], 'next', nxt, 'admitted', admitted, 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[3], lingerMs + passMs)
return {1, pos, admitted, tostring(tokens)}`;

type Scripts = Redis & { roomPlace(...args: (string | number)[]): Promise<[number, number?, number?, string?]> };

export function redisRoom(client: Redis, prefix: string, s: RoomSettings): WaitingRoom {
  client.defineCommand('roomPlace', { lua: PLACE });
  const scripts = client as Scripts;
  const call = async (screeningId: number, userId: number, threshold: number): Promise<RoomState> => {
    try {
      const [engaged, position, admitted, tokens] = await scripts.roomPlace(
        4,
        `${prefix}wr:{s${screeningId}}:n`,
        `${prefix}wr:{s${screeningId}}:on`,
        `${prefix}wr:{s${screeningId}}:b`,
        `${prefix}wr:{s${screeningId}}:m:${userId}`,
        threshold,
        s.lingerMs,
        s.admitPerS,
        s.passMs,
      );
      if (engaged !== 1) return { state: 'open' };
      return stateOf(Number(position), Number(admitted), Number(tokens), s.admitPerS);
    } catch {
      return { state: 'open' }; // fails open: PostgreSQL still decides every hold
    }
  };
  return {
    enabled: s.engagePerS > 0,
    attempt: (screeningId, userId) => (s.engagePerS > 0 ? call(screeningId, userId, s.engagePerS) : Promise.resolve({ state: 'open' })),
    poll: (screeningId, userId) => (s.engagePerS > 0 ? call(screeningId, userId, 0) : Promise.resolve({ state: 'open' })),
  };
}
