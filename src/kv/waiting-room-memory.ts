// The waiting room of one process (the embedded default, without Redis): the same rules as
// waiting-room-redis.ts, in this process's memory. A room idle past its last place's life is
// dropped (looked for once a minute), so the places of a rush do not stay for good.
import { admit, type Bucket, newBucket, type RoomSettings, stateOf, type WaitingRoom } from './waiting-room.ts';

interface Room {
  bucket: Bucket;
  engagedUntil: number;
  /** this second's attempts */
  second: number;
  count: number;
  /** each customer's place, and until when it is kept */
  members: Map<number, { position: number; until: number }>;
}

const SWEEP_MS = 60_000;

export function memoryRoom(s: RoomSettings, now: () => number = Date.now): WaitingRoom {
  const rooms = new Map<number, Room>();
  let swept = now();
  const sweep = (t: number) => {
    if (t - swept < SWEEP_MS) return;
    swept = t;
    for (const [id, room] of rooms) if (room.engagedUntil + s.passMs <= t && room.second < Math.floor(t / 1000)) rooms.delete(id);
  };
  const roomOf = (screeningId: number, t: number): Room => {
    let room = rooms.get(screeningId);
    if (!room) {
      room = { bucket: newBucket(s.admitPerS, t), engagedUntil: 0, second: 0, count: 0, members: new Map() };
      rooms.set(screeningId, room);
    } else if (room.bucket.next > 0 && room.engagedUntil + s.passMs <= t) {
      // disengaged long enough for every place to have lapsed: the next rush starts a new line
      room.bucket = newBucket(s.admitPerS, t);
      room.members.clear();
    }
    return room;
  };
  const place = (room: Room, userId: number, t: number) => {
    if (room.engagedUntil <= t) return { state: 'open' as const };
    let member = room.members.get(userId);
    if (!member || member.until <= t) {
      room.bucket.next += 1;
      member = { position: room.bucket.next, until: 0 };
      room.members.set(userId, member);
    }
    member.until = t + s.passMs;
    admit(room.bucket, s.admitPerS, t);
    return stateOf(member.position, room.bucket.admitted, room.bucket.tokens, s.admitPerS);
  };
  return {
    enabled: s.engagePerS > 0,
    async attempt(screeningId, userId) {
      if (s.engagePerS <= 0) return { state: 'open' };
      const t = now();
      sweep(t);
      const room = roomOf(screeningId, t);
      const second = Math.floor(t / 1000);
      if (room.second !== second) {
        room.second = second;
        room.count = 0;
      }
      room.count += 1;
      if (room.count > s.engagePerS) room.engagedUntil = t + s.lingerMs;
      return place(room, userId, t);
    },
    async poll(screeningId, userId) {
      if (s.engagePerS <= 0) return { state: 'open' };
      const t = now();
      return rooms.has(screeningId) ? place(roomOf(screeningId, t), userId, t) : { state: 'open' };
    },
  };
}
