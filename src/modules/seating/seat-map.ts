// The seat map of a screening, served from the read cache. Its key carries the catalog generation
// (layout, pricing, screening edits) and its scope is bumped on every seat change; it also never
// outlives the first live hold on it, since that seat turns available by time alone.
import { createHash } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { seatMapJson } from './queries.ts';

const TTL_MS = 5_000;

export const seatMapScope = (screeningId: number) => `seatmap:${screeningId}`;

export interface RenderedSeatMap {
  etag: string;
  /** the whole response, already UTF-8 encoded: a 300-seat map is ~60 KB, too much to encode per request */
  body: Buffer;
}

// The last rendering of each screening's map, keyed by the cached text it came from, so a cache hit
// costs neither a split nor an encode. Bounded: it is dropped whole when it grows past MAX_RENDERED.
const rendered = new Map<number, { source: string; map: RenderedSeatMap }>();
const MAX_RENDERED = 2_000;

// The map's version sits near the start of the cached text: `{etag}\n{"success":true,...,"data":{"screening_id":N,"version":V`
const versionOf = (cached: string) => Number(/"version"\s*:\s*(\d+)/.exec(cached.slice(0, 200))?.[1] ?? -1);

export async function seatMap(deps: Deps, screeningId: number): Promise<RenderedSeatMap> {
  const [catalog, shared] = await Promise.all([deps.cache.generation('catalog'), deps.seatVersions.latest(screeningId)]);
  // A cached map older than a change any instance has answered for (the shared version, advanced
  // before the answer) or this instance has heard of (its hub) is stale.
  const floor = Math.max(shared, deps.hub.latestVersion(screeningId));
  const fresh = (cached: string) => cached === '' || versionOf(cached) >= floor;
  const cached = await deps.cache.get(
    seatMapScope(screeningId),
    `g${catalog}`,
    TTL_MS,
    async () => {
      const { map, nextExpiry } = await seatMapJson(deps.db, screeningId);
      if (map === undefined) return { value: '', ttlMs: 1_000 };
      const body = `{"success":true,"message":"Seat map fetched successfully","data":${map}}`;
      const etag = `W/"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
      const untilExpiry = nextExpiry ? nextExpiry.getTime() - Date.now() : TTL_MS;
      return { value: `${etag}\n${body}`, ttlMs: Math.max(50, Math.min(TTL_MS, untilExpiry)) };
    },
    fresh,
  );
  if (cached === '') throw new AppError('screening_not_found');
  const last = rendered.get(screeningId);
  if (last && last.source === cached) return last.map;
  const cut = cached.indexOf('\n');
  const map = { etag: cached.slice(0, cut), body: Buffer.from(cached.slice(cut + 1)) };
  if (rendered.size >= MAX_RENDERED) rendered.clear();
  rendered.set(screeningId, { source: cached, map });
  return map;
}
