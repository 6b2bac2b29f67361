// A theater: its showtimes on a chosen day, grouped by movie.
import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import { t } from '../i18n/index.ts';
import { useTitle } from '../lib/title.ts';
import { useApi } from '../lib/use-api.ts';
import { ErrorBox, Loading } from '../ui.tsx';
import { type BrowseScreening, DateStrip, nextDays, ShowtimeButtons } from './showtime-list.tsx';

export function TheaterPage({ id }: { id: number }) {
  const theater = useApi(() => api.GET('/api/v1/theaters/{id}', { params: { path: { id } } }), [id]);
  const zone = theater.data?.time_zone ?? 'Asia/Jakarta';
  const days = nextDays(zone);
  const [day, setDay] = useState(days[0]);
  const shows = useApi(() => api.GET('/api/v1/theaters/{id}/screenings', { params: { path: { id }, query: { date: day, limit: 100 } } }), [id, day]);
  useTitle(theater.data?.name);
  if (theater.error) return <ErrorBox message={theater.error} retry={theater.reload} />;
  if (!theater.data) return <Loading />;
  const byMovie = new Map<number, BrowseScreening[]>();
  for (const s of (shows.data ?? []) as BrowseScreening[]) byMovie.set(s.movie.id, [...(byMovie.get(s.movie.id) ?? []), s]);
  return (
    <article>
      <h1>{theater.data.name}</h1>
      <p class="muted">{theater.data.address}</p>
      <h2>{t('movie.showtimes')}</h2>
      <DateStrip days={days} value={day} onChange={setDay} />
      {shows.loading && <Loading />}
      {shows.error && <ErrorBox message={shows.error} retry={shows.reload} />}
      {shows.data && byMovie.size === 0 && <p class="muted">{t('movie.none_day')}</p>}
      {[...byMovie.values()].map((list) => (
        <section class="theater-shows" key={list[0].movie.id} aria-label={list[0].movie.title}>
          <h3>
            <a href={`/movies/${list[0].movie.id}`}>{list[0].movie.title}</a>
          </h3>
          <ShowtimeButtons list={list} />
        </section>
      ))}
    </article>
  );
}
