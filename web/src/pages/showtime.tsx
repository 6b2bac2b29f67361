// The seat picker: the hall live, the seats chosen with their rules explained, then one step to hold
// them (through the waiting room when the screening has a queue); the hold's countdown, its release,
// and on to payment.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, problemText } from '../api/client.ts';
import { localTime, money, t, tn } from '../i18n/index.ts';
import { mmss, useCountdown } from '../lib/countdown.ts';
import { forgetHold, rememberedHold, rememberHold } from '../lib/current-hold.ts';
import { useStore } from '../lib/store.ts';
import { useTitle } from '../lib/title.ts';
import { useApi } from '../lib/use-api.ts';
import { navigate, route } from '../router.ts';
import { followSeatMap, type Following, type LiveState } from '../seatmap/live.ts';
import { mapArrived } from '../seatmap/perf.ts';
import { ruleNotes, toggleSeat } from '../seatmap/rules.ts';
import { SeatGrid } from '../seatmap/seat-grid.tsx';
import type { Seat, SeatMap } from '../seatmap/types.ts';
import { session } from '../session.ts';
import { ErrorBox, Loading, Notice } from '../ui.tsx';
import { type Place, seatsSideBySide, WaitingRoom, waitingPlace } from './waiting-room.tsx';

interface Hold {
  id: string;
  seats: { id: number; label: string; price: number }[];
  total_amount: number;
  currency: string;
  reserved_until: string;
}

type HoldAnswer = { data?: { data: Hold }; error?: unknown; response: Response };

/** A hold request as the customer asked it: sent again, as it was, when their turn in the queue comes. */
interface HoldRequest {
  send: () => Promise<HoldAnswer>;
  /** seats wanted side by side: what the queue is asked to find free */
  count: number;
  best: boolean;
}

const MAX_SEATS = 8;

export function ShowtimePage({ id }: { id: number }) {
  const { user, token, ready } = useStore(session);
  const show = useApi(() => api.GET('/api/v1/showtimes/{id}', { params: { path: { id } } }), [id]);
  const theaterId = show.data?.theater.id;
  useTitle(
    show.data
      ? t('title.showtime', { movie: show.data.movie.title, time: localTime(show.data.show_time, show.data.theater.time_zone, true) })
      : undefined,
  );
  const theater = useApi(
    () => (theaterId ? api.GET('/api/v1/theaters/{id}', { params: { path: { id: theaterId } } }) : new Promise<never>(() => {})),
    [theaterId],
  );
  const [map, setMap] = useState<SeatMap>();
  const [live, setLive] = useState<LiveState>('connecting');
  const [selected, setSelected] = useState<number[]>([]);
  const [message, setMessage] = useState<{ kind: 'info' | 'warn' | 'ok'; text: string }>();
  const [hold, setHold] = useState<Hold>();
  const [busy, setBusy] = useState(false);
  const [bestCount, setBestCount] = useState(2);
  // in the screening's queue: the request to send again at one's turn, and the place it was given
  const [queued, setQueued] = useState<{ request: HoldRequest; place: Place; n: number }>();
  const holdButton = useRef<HTMLButtonElement>(null);
  const bestButton = useRef<HTMLButtonElement>(null);
  const messageBox = useRef<HTMLDivElement>(null);

  const following = useRef<Following | undefined>(undefined);
  useEffect(() => {
    if (!ready) return;
    const f = followSeatMap({
      screeningId: id,
      token: () => session.get().token,
      onState: setLive,
      onMap: (next, changed) => {
        mapArrived(changed ? 'delta' : 'data');
        setMap(next);
        if (!changed) return;
        // a seat I picked but had not held, now taken by someone else
        setSelected((sel) => {
          const lost = changed.filter((c) => c.status !== 'available' && sel.includes(c.id));
          if (lost.length === 0) return sel;
          const labels = lost.map((c) => next.seats.find((s) => s.id === c.id)?.label).join(', ');
          setMessage({ kind: 'warn', text: t('seats.taken_now', { labels }) });
          return sel.filter((s) => !lost.some((l) => l.id === s));
        });
      },
    });
    following.current = f;
    return f.stop;
  }, [id, ready, token !== null]);

  // the hold is remembered in this browser: after a reload, or back from another page, it is found
  // again (asked of the server, shown only while active) with its countdown, payment and release
  const userId = user?.id;
  useEffect(() => {
    if (userId === undefined) return;
    const remembered = rememberedHold(userId, id);
    if (!remembered) return;
    let current = true;
    api
      .GET('/api/v1/holds/{id}', { params: { path: { id: remembered } } })
      .then((r) => {
        if (!current) return;
        const found = r.data?.data;
        if (found && found.status === 'active' && Date.parse(found.reserved_until) > Date.now()) setHold((h) => h ?? found);
        else if (r.response.status < 500) forgetHold(userId, id);
      })
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [id, userId]);
  useEffect(() => {
    if (userId !== undefined && hold) rememberHold(userId, id, hold.id);
  }, [hold?.id, userId]);

  const byId = useMemo(() => new Map((map?.seats ?? []).map((s) => [s.id, s])), [map]);
  const mine = new Set(hold?.seats.map((s) => s.id));
  const notes = map
    ? ruleNotes(selected, map.seats, byId, {
        orphanRule: theater.data?.orphan_seat_rule ?? false,
        companionNeedsWheelchair: theater.data?.companion_needs_wheelchair ?? false,
      })
    : [];
  const total = selected.reduce((sum, sid) => sum + (byId.get(sid)?.price ?? 0), 0);

  const toggle = (seat: Seat) => {
    setMessage(undefined);
    const next = toggleSeat(selected, seat, byId);
    if (next.length > MAX_SEATS) return setMessage({ kind: 'warn', text: tn('seats.max', MAX_SEATS) });
    setSelected(next);
  };

  const afterHold = (request: HoldRequest, r: HoldAnswer): 'queued' | 'held' | 'refused' => {
    const place = waitingPlace(r);
    if (place) {
      // nothing was held: wait in line, then send the same request again
      setMessage(undefined);
      setQueued((q) => ({ request, place, n: (q?.n ?? 0) + 1 }));
      return 'queued';
    }
    setQueued(undefined);
    if (r.data) {
      setHold(r.data.data);
      setSelected([]);
      setMessage(undefined);
      return 'held';
    }
    setMessage({ kind: 'warn', text: problemText(r.error, r.response) });
    return 'refused';
  };

  /** The waiting panel (and its focused button) gave way to a message: the focus goes to the message. */
  const focusMessage = () => requestAnimationFrame(() => messageBox.current?.focus());

  /**
   * One hold request at a time; its answer (or the network's silence) said on the page. Sent from the
   * queue, a refusal takes the panel away: the focus goes to why (a hold focuses its own panel, a new
   * place in line the new panel).
   */
  const holding =
    (request: HoldRequest, fromQueue = false) =>
    async () => {
      setBusy(true);
      let outcome: 'queued' | 'held' | 'refused';
      try {
        outcome = afterHold(request, await request.send());
      } catch {
        setQueued(undefined);
        setMessage({ kind: 'warn', text: t('common.offline') });
        outcome = 'refused';
      } finally {
        setBusy(false);
      }
      if (fromQueue && outcome === 'refused') focusMessage();
    };
  const key = () => ({ 'idempotency-key': crypto.randomUUID() });
  // a new key for each send: a request refused by the waiting room did nothing, so one sent again at
  // one's turn is a new attempt
  const holdSelected = holding({
    send: () => api.POST('/api/v1/screenings/{id}/holds', { params: { path: { id }, header: key() }, body: { seat_ids: selected } }),
    count: seatsSideBySide(selected, byId),
    best: false,
  });
  const holdBest = holding({
    send: () => api.POST('/api/v1/screenings/{id}/holds/best-available', { params: { path: { id }, header: key() }, body: { count: bestCount } }),
    count: bestCount,
    best: true,
  });
  const leaveQueue = () => {
    const queuedBy = queued?.request.best ? bestButton : holdButton;
    setQueued(undefined);
    setMessage({ kind: 'info', text: t('queue.left') });
    // the panel (and its focused button) is gone: back to the button that queued
    requestAnimationFrame(() => queuedBy.current?.focus());
  };

  const release = async () => {
    if (!hold) return;
    setBusy(true);
    const r = await api.DELETE('/api/v1/holds/{id}', { params: { path: { id: hold.id } } }).catch(() => undefined);
    setBusy(false);
    if (r?.response.ok || r?.response.status === 404 || r?.response.status === 410) {
      if (userId !== undefined) forgetHold(userId, id);
      setHold(undefined);
      setMessage({ kind: 'ok', text: t('hold.released') });
      following.current?.resync();
    } else setMessage({ kind: 'warn', text: r ? problemText(r.error, r.response) : t('common.offline') });
  };

  if (show.error)
    return <ErrorBox message={show.error === 'No such screening on sale (past, closed or unknown)' ? t('seats.not_on_sale') : show.error} />;
  if (!show.data) return <Loading />;
  const s = show.data;

  return (
    <article class="picker">
      <h1>{s.movie.title}</h1>
      <p class="muted">
        {s.theater.name} · {s.hall.name}
        {s.hall.screen_type ? ` · ${s.hall.screen_type}` : ''}
        {s.is_3d ? ' · 3D' : ''} · <time dateTime={s.show_time}>{localTime(s.show_time, s.theater.time_zone, true)}</time>
      </p>
      <p class="live-state" role="status" aria-live="polite" data-state={live}>
        {live === 'live'
          ? t('seats.live')
          : live === 'polling'
            ? t('seats.polling')
            : live === 'reconnecting'
              ? t('seats.reconnecting')
              : t('common.loading')}
      </p>
      {!map ? (
        <Loading />
      ) : (
        <SeatGrid map={markMine(map, mine)} selected={hold ? [...mine] : selected} onToggle={hold || queued ? () => undefined : toggle} />
      )}
      <div class="messages" aria-live="polite" tabIndex={-1} ref={messageBox}>
        {message && <Notice kind={message.kind}>{message.text}</Notice>}
      </div>
      {hold ? (
        <HoldPanel
          hold={hold}
          busy={busy}
          onRelease={release}
          onEnd={() => {
            if (userId !== undefined) forgetHold(userId, id);
            setHold(undefined);
            setMessage({ kind: 'warn', text: t('hold.expired') });
            following.current?.resync();
          }}
          onPay={() => navigate(`/checkout/${hold.id}`)}
        />
      ) : (
        <section class="panel" aria-label={t('seats.title')}>
          <h2>{t('seats.title')}</h2>
          {selected.length === 0 ? (
            <p class="muted">{t('seats.none_selected')}</p>
          ) : (
            <p>
              {tn('seats.selected', selected.length, { labels: selected.map((sid) => byId.get(sid)?.label).join(', ') })} ·{' '}
              <strong>{t('seats.total', { total: money(total, s.currency) })}</strong>
            </p>
          )}
          {notes.map((n) => (
            <p class="rule" key={n}>
              {n}
            </p>
          ))}
          {!user ? (
            <a class="button primary" href={`/login?next=${encodeURIComponent(route.get())}`}>
              {t('seats.login_to_hold')}
            </a>
          ) : queued ? (
            <WaitingRoom
              key={queued.n}
              screeningId={id}
              count={queued.request.count}
              best={queued.request.best}
              first={queued.place}
              sending={busy}
              onTurn={holding(queued.request, true)}
              onSoldOut={() => {
                setQueued(undefined);
                setMessage({
                  kind: 'warn',
                  text: queued.request.count === 1 ? t('queue.sold_out_one') : t('queue.sold_out', { n: queued.request.count }),
                });
                focusMessage();
              }}
              onFail={(text) => {
                setQueued(undefined);
                setMessage({ kind: 'warn', text });
                focusMessage();
              }}
              onLeave={leaveQueue}
            />
          ) : (
            <div class="actions">
              <button type="button" class="primary" ref={holdButton} disabled={busy || selected.length === 0} onClick={holdSelected}>
                {t('seats.hold')}
              </button>
              {selected.length > 0 && (
                <button type="button" onClick={() => setSelected([])}>
                  {t('seats.clear')}
                </button>
              )}
              <span class="best">
                <label>
                  {t('seats.best_count')}{' '}
                  <select value={bestCount} onChange={(e) => setBestCount(Number((e.target as HTMLSelectElement).value))}>
                    {Array.from({ length: MAX_SEATS }, (_, i) => (
                      <option key={i} value={i + 1}>
                        {i + 1}
                      </option>
                    ))}
                  </select>
                </label>{' '}
                <button type="button" ref={bestButton} disabled={busy} onClick={holdBest}>
                  {tn('seats.best', bestCount)}
                </button>
              </span>
            </div>
          )}
        </section>
      )}
    </article>
  );
}

/** My held seats show as chosen, not as someone else's hold. */
function markMine(map: SeatMap, mine: Set<number>): SeatMap {
  if (mine.size === 0) return map;
  return { ...map, seats: map.seats.map((s) => (mine.has(s.id) ? { ...s, status: 'available' as const } : s)) };
}

function HoldPanel({
  hold,
  busy,
  onRelease,
  onEnd,
  onPay,
}: {
  hold: Hold;
  busy: boolean;
  onRelease: () => void;
  onEnd: () => void;
  onPay: () => void;
}) {
  const { seconds, ended } = useCountdown(hold.reserved_until);
  // the hold button that was pressed (or the waiting panel, at one's turn) is gone: focus the hold
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    if (ended) onEnd();
  }, [ended]);
  return (
    <section class="panel hold" aria-labelledby="hold-title">
      <h2 id="hold-title" tabIndex={-1} ref={heading}>
        {t('hold.title')}
      </h2>
      <p>
        {hold.seats.map((s) => s.label).join(', ')} · <strong>{money(hold.total_amount, hold.currency)}</strong>
      </p>
      <p class="countdown" role="timer" aria-live="off">
        {t('hold.countdown', { time: mmss(seconds) })}
      </p>
      <div class="actions">
        <button type="button" class="primary" disabled={busy} onClick={onPay}>
          {t('hold.pay')}
        </button>
        <button type="button" disabled={busy} onClick={onRelease}>
          {t('hold.release')}
        </button>
      </div>
    </section>
  );
}
