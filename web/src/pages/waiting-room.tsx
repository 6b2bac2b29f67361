// The queue a customer meets on a release-night rush: when a screening's waiting room is engaged, a
// hold request answers 429 waiting_room and did nothing. The panel says where they stand, asks the
// server again when it said to, and hands back to the seat picker once it is their turn (the picker
// then sends the same hold again) or once too few seats are left for them.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type paths, problemCode, problemText } from '../api/client.ts';
import { t, tn } from '../i18n/index.ts';
import type { Seat } from '../seatmap/types.ts';

type Room = paths['/api/v1/screenings/{id}/waiting-room']['post']['responses'][200]['content']['application/json']['data'];
/** Where a customer stands: the 429 waiting_room problem says it as POST /waiting-room does. */
export type Place = Pick<Room, 'position' | 'ahead' | 'retry_after_ms'>;

// Asking more often than every half second gains nothing; more rarely than every 5 s and a turn
// could pass unnoticed for too long (an admission lasts WAITING_ROOM_PASS_SECONDS, minutes).
const MIN_POLL_MS = 500;
const MAX_POLL_MS = 5000;
const pollDelay = (ms: number) => Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, Number.isFinite(ms) ? ms : MAX_POLL_MS));

/** The place a refused hold request was given, or undefined when it was refused for another reason. */
export function waitingPlace(r: { error?: unknown; response: Response }): Place | undefined {
  if (r.response.status !== 429 || problemCode(r.error) !== 'waiting_room') return undefined;
  const e = r.error as Partial<Place>;
  const header = Number(r.response.headers.get('retry-after')) * 1000;
  return { position: e.position ?? null, ahead: e.ahead ?? 0, retry_after_ms: e.retry_after_ms ?? (header || MAX_POLL_MS) };
}

/**
 * How many seats to ask the queue for when the customer chose seats on the map: the most of them side
 * by side in one row. The server says sold_out when no run of `count` free seats is left; chosen seats
 * scattered over the hall need no such run.
 */
export function seatsSideBySide(ids: number[], byId: Map<number, Seat>): number {
  const rows = new Map<string, number[]>();
  for (const id of ids) {
    const s = byId.get(id);
    if (s) rows.set(s.row, [...(rows.get(s.row) ?? []), s.x]);
  }
  let longest = 1;
  for (const xs of rows.values()) {
    xs.sort((a, b) => a - b);
    let run = 1;
    for (let i = 1; i < xs.length; i++) {
      run = xs[i] === xs[i - 1] + 1 ? run + 1 : 1;
      longest = Math.max(longest, run);
    }
  }
  return longest;
}

/** Joins the screening's queue, or asks where one stands in it (not a hold attempt). */
const joinQueue = (id: number, count: number) => api.POST('/api/v1/screenings/{id}/waiting-room', { params: { path: { id } }, body: { count } });

/**
 * The rough wait: how fast the line has moved since the customer joined it, for those still before
 * them and their own turn. retry_after_ms alone says when to ask again (the server keeps it short),
 * which is the wait only for the one next in line.
 */
function waitEstimate(joined: { at: number; ahead: number }, now: Place, at: number): number | undefined {
  if (now.ahead === 0) return now.retry_after_ms;
  const moved = joined.ahead - now.ahead;
  if (moved <= 0) return undefined;
  return Math.max(now.retry_after_ms, ((at - joined.at) / moved) * (now.ahead + 1));
}

function waitText(ms: number | undefined): string {
  if (ms === undefined) return t('queue.wait_unknown');
  const s = Math.ceil(ms / 1000);
  if (s <= 5) return t('queue.wait_few');
  if (s < 60) return t('queue.wait_seconds', { n: Math.ceil(s / 5) * 5 });
  return tn('queue.wait_minutes', Math.ceil(s / 60));
}

function aheadText(ahead: number): string {
  return ahead === 0 ? t('queue.ahead_none') : ahead === 1 ? t('queue.ahead_one') : t('queue.ahead', { n: ahead });
}

// What a screen reader is told unasked: not each answer (one every 2 s or less would have it repeat
// the place all along), only the milestones: joined, fewer ahead than one of these, the turn.
const MILESTONES = [100, 50, 20, 10, 5, 1, 0];
/** How many milestones a customer with `ahead` before them has passed. */
const stage = (ahead: number) => MILESTONES.filter((m) => ahead <= m).length;
// A live region says what changes in it, not what it held when it appeared (screen readers differ on
// that): the panel appears with it empty and says "joined" a moment later, after the focused heading.
const JOINED_SAID_AFTER_MS = 300;

type Milestone = { joined: boolean; ahead: number };
const milestoneText = (m: Milestone) => (m.joined ? `${t('queue.joined')} ${aheadText(m.ahead)}` : aheadText(m.ahead));

export interface WaitingRoomProps {
  screeningId: number;
  /** seats wanted: the server answers sold_out when fewer are left */
  count: number;
  /** best-available (the seats are picked at one's turn) rather than the seats chosen on the map */
  best: boolean;
  /** the place the refused hold request was given */
  first: Place;
  /** the hold is being sent again (it is this customer's turn) */
  sending: boolean;
  onTurn: () => void;
  onSoldOut: () => void;
  onFail: (text: string) => void;
  onLeave: () => void;
}

/** The waiting panel: in place of the hold buttons while the customer is in the queue. */
export function WaitingRoom(props: WaitingRoomProps) {
  const { screeningId, count, first } = props;
  const [place, setPlace] = useState(first);
  const joined = useRef({ at: Date.now(), ahead: first.ahead });
  const [estimate, setEstimate] = useState(() => waitEstimate(joined.current, first, Date.now()));
  const [reconnecting, setReconnecting] = useState(false);
  const [milestone, setMilestone] = useState<Milestone>();
  const passed = useRef(stage(first.ahead));
  // the callbacks of the latest render, for answers that arrive later
  const latest = useRef(props);
  latest.current = props;

  // the hold button that was pressed is gone: the customer's focus goes to what replaced it
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    const timer = setTimeout(() => setMilestone((m) => m ?? { joined: true, ahead: first.ahead }), JOINED_SAID_AFTER_MS);
    return () => clearTimeout(timer);
  }, [first]);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = async () => {
      let r: Awaited<ReturnType<typeof joinQueue>>;
      try {
        r = await joinQueue(screeningId, count);
      } catch {
        // the network, not the server: the place is kept by the server, so keep asking
        if (stopped) return;
        setReconnecting(true);
        timer = setTimeout(ask, MAX_POLL_MS);
        return;
      }
      if (stopped) return;
      setReconnecting(false);
      const d = r.data?.data;
      if (!d) return latest.current.onFail(problemText(r.error, r.response));
      if (d.state === 'open' || d.state === 'admitted') return latest.current.onTurn();
      if (d.state === 'sold_out') return latest.current.onSoldOut();
      setPlace(d);
      if (stage(d.ahead) > passed.current) {
        passed.current = stage(d.ahead);
        setMilestone({ joined: false, ahead: d.ahead });
      }
      setEstimate(waitEstimate(joined.current, d, Date.now()));
      timer = setTimeout(ask, pollDelay(d.retry_after_ms));
    };
    timer = setTimeout(ask, pollDelay(first.retry_after_ms));
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [screeningId, count, first]);

  return (
    <section class="queue" aria-labelledby="queue-title" aria-busy={props.sending}>
      <h3 id="queue-title" tabIndex={-1} ref={heading}>
        {t('queue.title')}
      </h3>
      {/* what the customer sees change, answer by answer; the status below says only the milestones */}
      <div class="queue-now">
        {props.sending ? (
          <p class="queue-place">{t('queue.turn')}</p>
        ) : (
          <>
            {place.position !== null && (
              <p class="queue-place">
                <strong>{t('queue.position', { n: place.position })}</strong> <span>{aheadText(place.ahead)}</span>
              </p>
            )}
            <p>{waitText(estimate)}</p>
            {reconnecting && <p class="rule">{t('queue.reconnecting')}</p>}
          </>
        )}
      </div>
      <p class="sr-only" role="status">
        {props.sending ? t('queue.turn') : reconnecting ? t('queue.reconnecting') : milestone && milestoneText(milestone)}
      </p>
      <div class="queue-bar" aria-hidden="true" />
      <p class="muted">{props.best ? t('queue.keep_best', { seats: tn('count.seats', count) }) : t('queue.keep_seats')}</p>
      <div class="actions">
        <button type="button" disabled={props.sending} onClick={props.onLeave}>
          {t('queue.leave')}
        </button>
      </div>
    </section>
  );
}
