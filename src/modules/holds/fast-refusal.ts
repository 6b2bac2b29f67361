// A hold request for seats another customer holds or has bought, refused from Redis before its
// Idempotency-Key is claimed: the claim and the recording of the refusal were two PostgreSQL writes,
// most of what such a refusal cost under a flash sale (http/idempotency.ts, `refuseEarly`: the
// refusal is remembered under the key in Redis instead). Only a refusal is decided here; anything
// else goes on to create-hold.ts, which marks the seats and asks PostgreSQL. A Redis failure decides
// nothing (the request goes on as if the seats were free).
import type { Deps } from '../../deps.ts';
import type { EarlyRefusal } from '../../http/idempotency.ts';
import { markedRefusal } from './create-hold.ts';

export function refuseMarkedSeats(deps: Deps, screeningId: number, userId: number, seatIds: number[]): EarlyRefusal | undefined {
  if (!deps.fastPath.enabled) return undefined;
  return {
    memo: deps.kv,
    async check() {
      const marked = await deps.fastPath.markedByOthers(screeningId, seatIds, `u${userId}`);
      if (marked !== 'skipped' && marked.length > 0)
        throw await markedRefusal(
          deps,
          [...new Set(marked)].sort((a, b) => a - b),
        );
    },
  };
}
