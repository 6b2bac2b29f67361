// The schedule (admins): one theater's day, halls as rows and screenings as blocks on a timeline;
// add a screening, move one (another time or hall), close one for sale. The server decides: an
// overlap (with the cleaning gap) is shown on the block it collides with, and a change someone else
// made first (If-Match, 412) asks for a reload instead of overwriting it.
import { useEffect, useState } from 'preact/hooks';
import { api, type paths, problemCode, problemText } from '../api/client.ts';
import { t, tn } from '../i18n/index.ts';
import { useApi } from '../lib/use-api.ts';
import { ErrorBox, Loading } from '../ui.tsx';
import { AdminOnly } from './admin-only.tsx';

type Day = paths['/api/v1/theaters/{id}/schedule']['get']['responses'][200]['content']['application/json']['data'];
type Show = Day['screenings'][number];
type Said = { kind: 'ok' | 'warn'; text: string; clash?: number; reload?: boolean };

// the day shown first: today on this device's calendar
const today = () => new Intl.DateTimeFormat('en-CA').format(new Date());

/** `date` + `time` on the wall clock of `zone`, as an RFC 3339 instant with that zone's offset. */
function wallClock(date: string, time: string, zone: string): string {
  const offsetAt = (at: Date) => {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName');
    return name?.value.replace('GMT', '') || '+00:00';
  };
  // the offset at that wall-clock time, not at the same digits in UTC: asked twice, it settles on a
  // day the clocks change
  const first = offsetAt(new Date(`${date}T${time}:00Z`));
  return `${date}T${time}:00${offsetAt(new Date(`${date}T${time}:00${first}`))}`;
}

export function SchedulePage() {
  return (
    <AdminOnly title={t('schedule.title')}>
      <Schedule />
    </AdminOnly>
  );
}

function Schedule() {
  const cities = useApi(() => api.GET('/api/v1/cities'), []);
  const [cityId, setCityId] = useState<number>();
  const city = cityId ?? cities.data?.[0]?.id;
  const theaters = useApi(
    () => (city ? api.GET('/api/v1/cities/{id}/theaters', { params: { path: { id: city } } }) : new Promise<never>(() => {})),
    [city],
  );
  const [theaterId, setTheaterId] = useState<number>();
  const theater = theaters.data?.find((x) => x.id === theaterId) ?? theaters.data?.[0];
  const [date, setDate] = useState(today);
  if (cities.error) return <ErrorBox message={cities.error} retry={cities.reload} />;
  return (
    <section class="schedule-page">
      <h1>{t('schedule.title')}</h1>
      <form class="inline-form" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('nav.city')}
          <select value={city} onChange={(e) => setCityId(Number((e.target as HTMLSelectElement).value))}>
            {cities.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('schedule.theater')}
          <select value={theater?.id} onChange={(e) => setTheaterId(Number((e.target as HTMLSelectElement).value))}>
            {theaters.data?.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('schedule.date')}
          <input type="date" value={date} onInput={(e) => setDate((e.target as HTMLInputElement).value)} />
        </label>
      </form>
      {theater ? <TheaterDay key={`${theater.id}|${date}`} theaterId={theater.id} date={date} /> : <Loading />}
    </section>
  );
}

function TheaterDay({ theaterId, date }: { theaterId: number; date: string }) {
  const day = useApi(() => api.GET('/api/v1/theaters/{id}/schedule', { params: { path: { id: theaterId }, query: { date } } }), [theaterId, date]);
  const [selected, setSelected] = useState<number | null>(null);
  const [said, setSaid] = useState<Said>();
  useEffect(() => setSelected(null), [theaterId, date]);
  if (day.error) return <ErrorBox message={day.error} retry={day.reload} />;
  if (!day.data) return <Loading />;
  const d = day.data;
  const show = d.screenings.find((s) => s.id === selected) ?? null;

  /** What a refused write says: the overlap on its block, a lost race as "reload". */
  const refused = (error: unknown, response: Response): Said => {
    const code = problemCode(error);
    if (code === 'precondition_failed') return { kind: 'warn', text: t('schedule.changed'), reload: true };
    if (code === 'screening_overlap') {
      const clash = Number((error as { conflicting_screening_id?: number }).conflicting_screening_id);
      const other = d.screenings.find((s) => s.id === clash);
      return {
        kind: 'warn',
        clash,
        text: other
          ? t('schedule.overlap', { movie: other.movie_title, from: other.local_start, to: other.local_end, gap: d.cleaning_gap_minutes })
          : t('schedule.overlap_other', { gap: d.cleaning_gap_minutes }),
      };
    }
    return { kind: 'warn', text: problemText(error, response) };
  };
  const done = (text: string) => {
    setSaid({ kind: 'ok', text });
    day.reload();
  };

  return (
    <>
      <Timeline day={d} selected={selected} clash={said?.clash} onSelect={(id) => setSelected(id === selected ? null : id)} />
      <div aria-live="polite">
        {said && (
          <div class={`notice notice-${said.kind}`} role={said.kind === 'warn' ? 'alert' : 'status'}>
            <p>{said.text}</p>
            {said.reload && (
              <button
                type="button"
                onClick={() => {
                  setSaid(undefined);
                  setSelected(null);
                  day.reload();
                }}
              >
                {t('schedule.reload')}
              </button>
            )}
          </div>
        )}
      </div>
      {show && <Editor key={show.id} day={d} show={show} onDone={done} onRefused={(e, r) => setSaid(refused(e, r))} />}
      <Create day={d} onDone={done} onRefused={(e, r) => setSaid(refused(e, r))} />
    </>
  );
}

function Timeline({ day, selected, clash, onSelect }: { day: Day; selected: number | null; clash?: number; onSelect: (id: number) => void }) {
  // minutes from the day's local midnight (the server's): a show from the evening before starts below 0
  const spans = day.screenings.map((s) => ({ s, from: s.start_minute, to: s.end_minute }));
  const first = Math.min(8 * 60, ...spans.map((x) => Math.floor(x.from / 60) * 60));
  const last = Math.max(24 * 60, ...spans.map((x) => Math.ceil(x.to / 60) * 60));
  const width = last - first;
  const hours = Array.from({ length: width / 60 }, (_, i) => first / 60 + i);
  const pct = (m: number) => `${((m - first) / width) * 100}%`;
  return (
    <div class="schedule-scroll">
      <div class="schedule" data-testid="schedule">
        <div class="schedule-row schedule-head" aria-hidden="true">
          <div class="schedule-hall" />
          <div class="schedule-track">
            {hours.map((h) => (
              <span key={h} class="schedule-hour" style={{ left: pct(h * 60) }}>
                {String(((h % 24) + 24) % 24).padStart(2, '0')}
              </span>
            ))}
          </div>
        </div>
        {day.halls.map((h) => (
          <div key={h.id} class="schedule-row" role="group" aria-label={h.name}>
            <div class="schedule-hall">{h.name}</div>
            <div class="schedule-track">
              {spans
                .filter((x) => x.s.hall_id === h.id)
                .map(({ s, from, to }) => {
                  const state = s.status === 'cancelled' ? 'cancelled' : s.is_available ? 'open' : 'closed';
                  return (
                    <button
                      key={s.id}
                      type="button"
                      data-screening={s.id}
                      class={`block block-${state}${s.id === selected ? ' selected' : ''}${s.id === clash ? ' clash' : ''}`}
                      style={{ left: pct(from), width: pct(first + to - from) }}
                      aria-pressed={s.id === selected}
                      aria-label={t('schedule.block', {
                        movie: s.movie_title,
                        from: s.local_start,
                        to: s.local_end,
                        sold: tn('count.seats', s.sold_seats),
                        state: t(`schedule.state.${state}`),
                      })}
                      onClick={() => onSelect(s.id)}
                    >
                      <span class="block-time">{s.local_start}</span> {s.movie_title}
                    </button>
                  );
                })}
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}

type Refused = (error: unknown, response: Response) => void;

function Editor({ day, show, onDone, onRefused }: { day: Day; show: Show; onDone: (text: string) => void; onRefused: Refused }) {
  const [time, setTime] = useState(show.local_start);
  const [hallId, setHallId] = useState(show.hall_id);
  const headers = { 'if-match': `"${show.version}"` };
  async function save(e: Event) {
    e.preventDefault();
    const r = await api
      .PUT('/api/v1/screenings/{id}', {
        params: { path: { id: show.id } },
        headers,
        body: { show_time: wallClock(day.date, time, day.theater.time_zone), hall_id: hallId },
      })
      .catch(() => null);
    if (!r) return onRefused({ message: t('common.offline') }, new Response(null, { status: 503 }));
    if (r.error) return onRefused(r.error, r.response);
    onDone(t('schedule.moved', { movie: show.movie_title, time }));
  }
  async function close() {
    const r = await api.DELETE('/api/v1/screenings/{id}', { params: { path: { id: show.id } }, headers }).catch(() => null);
    if (!r) return onRefused({ message: t('common.offline') }, new Response(null, { status: 503 }));
    if (r.error) return onRefused(r.error, r.response);
    onDone(t('schedule.closed', { movie: show.movie_title, time: show.local_start }));
  }
  return (
    <form class="schedule-editor" onSubmit={save} aria-labelledby="edit-h" data-version={show.version}>
      <h2 id="edit-h">{t('schedule.edit', { movie: show.movie_title, time: show.local_start })}</h2>
      <p>{tn('schedule.sold', show.sold_seats)}</p>
      <div class="inline-form">
        <label>
          {t('schedule.hall')}
          <select value={hallId} onChange={(e) => setHallId(Number((e.target as HTMLSelectElement).value))}>
            {day.halls.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('schedule.start')}
          <input type="time" required value={time} onInput={(e) => setTime((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="primary">
          {t('schedule.move')}
        </button>
        {show.is_available && show.status === 'scheduled' && (
          <button type="button" onClick={() => void close()}>
            {t('schedule.close')}
          </button>
        )}
        <a href={`/showtimes/${show.id}`}>{t('schedule.open_page')}</a>
      </div>
    </form>
  );
}

function Create({ day, onDone, onRefused }: { day: Day; onDone: (text: string) => void; onRefused: Refused }) {
  const movies = useApi(() => api.GET('/api/v1/movies'), []);
  const [movieId, setMovieId] = useState<number>();
  const [hallId, setHallId] = useState<number>();
  const [time, setTime] = useState('19:00');
  const [price, setPrice] = useState('50000');
  const movie = movieId ?? movies.data?.[0]?.id;
  const hall = hallId ?? day.halls[0]?.id;
  async function add(e: Event) {
    e.preventDefault();
    if (!movie || !hall) return;
    const r = await api
      .POST('/api/v1/screenings', {
        body: {
          movie_id: movie,
          theater_id: day.theater.id,
          hall_id: hall,
          show_time: wallClock(day.date, time, day.theater.time_zone),
          price: Number(price),
        },
      })
      .catch(() => null);
    if (!r) return onRefused({ message: t('common.offline') }, new Response(null, { status: 503 }));
    if (r.error) return onRefused(r.error, r.response);
    const title = movies.data?.find((m) => m.id === movie)?.title ?? '';
    onDone(t('schedule.added', { movie: title, time }));
  }
  return (
    <form class="schedule-editor" onSubmit={add} aria-labelledby="add-h">
      <h2 id="add-h">{t('schedule.add')}</h2>
      <div class="inline-form">
        <label>
          {t('schedule.movie')}
          <select value={movie} onChange={(e) => setMovieId(Number((e.target as HTMLSelectElement).value))}>
            {movies.data?.map((m) => (
              <option key={m.id} value={m.id}>
                {m.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('schedule.hall')}
          <select value={hall} onChange={(e) => setHallId(Number((e.target as HTMLSelectElement).value))}>
            {day.halls.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('schedule.start')}
          <input type="time" required value={time} onInput={(e) => setTime((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          {t('schedule.price')}
          <input inputMode="numeric" pattern="[0-9]+" required value={price} onInput={(e) => setPrice((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="primary">
          {t('schedule.add_button')}
        </button>
      </div>
    </form>
  );
}
