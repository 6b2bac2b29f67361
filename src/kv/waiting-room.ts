// A screening's waiting room: the shape of its answers, and the admission arithmetic both stores
// (waiting-room-redis.ts, waiting-room-memory.ts) follow.
//
// On a release-night rush the hold requests of one screening outrun what PostgreSQL can decide, and
// every customer waits seconds for an answer that is mostly "taken". The room turns that into a
// queue: once a screening sees more than WAITING_ROOM_ENGAGE_PER_S hold attempts in one second (all
// instances together), it engages for WAITING_ROOM_LINGER_SECONDS (renewed while the rush lasts).
// While engaged, a customer's first hold attempt gives them the next place in line; places are let
// through at WAITING_ROOM_ADMIT_PER_S (a token bucket holding one second's worth, so the first
// second's customers go at once), and a customer let through may hold for WAITING_ROOM_PASS_SECONDS
// (renewed by each attempt) without queueing again. Anyone not yet let through is answered at once:
// their place, how many are before them, and when to ask again.
//
// The room decides who may ask, never what is granted: PostgreSQL decides every hold as before. It
// fails open: when its store cannot answer (Redis down), requests go on as if no room were engaged.

export type RoomState =
  | { state: 'open' }
  | { state: 'admitted'; position: number }
  | { state: 'waiting'; position: number; ahead: number; retryAfterMs: number };

export interface WaitingRoom {
  readonly enabled: boolean;
  /** A hold attempt: counted toward engaging the room, then this customer's place if it is engaged. */
  attempt(screeningId: number, userId: number): Promise<RoomState>;
  /** The same without counting an attempt (the customer asking where they are). */
  poll(screeningId: number, userId: number): Promise<RoomState>;
}

export interface RoomSettings {
  /** hold attempts per second on one screening above which its room engages; 0: never */
  engagePerS: number;
  admitPerS: number;
  lingerMs: number;
  passMs: number;
}

/** The bucket of one engaged room. */
export interface Bucket {
  /** places handed out so far */
  next: number;
  /** places 1..admitted may hold */
  admitted: number;
  /** admissions in hand (at most admitPerS) */
  tokens: number;
  /** when tokens were last counted (ms) */
  at: number;
}

export const newBucket = (admitPerS: number, now: number): Bucket => ({ next: 0, admitted: 0, tokens: admitPerS, at: now });

/**
 * Lets through the waiting places that have accrued since the bucket was last counted (in place).
 * Admissions accrue at admitPerS for as long as anyone waits, however rarely they ask; only what is
 * left over, with nobody waiting, is saved, up to one second's worth (the burst a new rush gets).
 */
export function admit(b: Bucket, admitPerS: number, now: number): void {
  const accrued = b.tokens + (Math.max(0, now - b.at) * admitPerS) / 1000;
  b.at = now;
  const n = Math.min(b.next - b.admitted, Math.floor(accrued));
  b.admitted += Math.max(0, n);
  b.tokens = Math.min(admitPerS, accrued - Math.max(0, n));
}

const MIN_RETRY_MS = 200;
const MAX_RETRY_MS = 2_000;

/** The state of place `position` in a room whose bucket stands at admitted/tokens. */
export function stateOf(position: number, admitted: number, tokens: number, admitPerS: number): RoomState {
  if (position <= admitted) return { state: 'admitted', position };
  const ahead = position - admitted - 1;
  // this place goes once position - admitted more admissions have accrued
  const waitMs = ((position - admitted - tokens) / admitPerS) * 1000;
  return { state: 'waiting', position, ahead, retryAfterMs: Math.round(Math.min(MAX_RETRY_MS, Math.max(MIN_RETRY_MS, waitMs))) };
}

export const noRoom: WaitingRoom = {
  enabled: false,
  attempt: async () => ({ state: 'open' }),
  poll: async () => ({ state: 'open' }),
};
