// A movie: what it is, and its showtimes in the customer's city on a chosen day, grouped by theater.
import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import { longDate, t } from '../i18n/index.ts';
import { city } from '../lib/city.ts';
import { useStore } from '../lib/store.ts';
import { useTitle } from '../lib/title.ts';
import { useApi } from '../lib/use-api.ts';
import { ErrorBox, Loading } from '../ui.tsx';
import { type BrowseScreening, DateStrip, nextDays, ShowtimeButtons } from './showtime-list.tsx';

const ZONE = 'Asia/Jakarta';

export function MoviePage({ id }: { id: number }) {
  const cityId = useStore(city);
  const days = nextDays(ZONE);
  const [day, setDay] = useState(days[0]);
  const movie = useApi(() => api.GET('/api/v1/movies/{id}', { params: { path: { id } } }), [id]);
  const shows = useApi(
    () =>
      api.GET('/api/v1/movies/{id}/screenings', {
        params: { path: { id }, query: { date: day, limit: 100, ...(cityId ? { city_id: cityId } : {}) } },
      }),
    [id, day, cityId],
  );
  useTitle(movie.data?.title);
  if (movie.error) return <ErrorBox message={movie.error} retry={movie.reload} />;
  if (!movie.data) return <Loading />;
  const m = movie.data;
  const byTheater = new Map<number, BrowseScreening[]>();
  for (const s of (shows.data ?? []) as BrowseScreening[]) byTheater.set(s.theater.id, [...(byTheater.get(s.theater.id) ?? []), s]);
  return (
    <article>
      <h1>{m.title}</h1>
      <p class="muted">
        {t('common.minutes', { n: m.duration })}
        {m.rating ? ` · ${t('movie.rating', { rating: m.rating })}` : ''}
        {m.genre?.length ? ` · ${m.genre.join(', ')}` : ''}
        {m.release_date ? ` · ${t('movie.release', { date: longDate(m.release_date) })}` : ''}
      </p>
      {m.description && <p>{m.description}</p>}
      <h2>{t('movie.showtimes')}</h2>
      <DateStrip days={days} value={day} onChange={setDay} />
      {shows.loading && <Loading />}
      {shows.error && <ErrorBox message={shows.error} retry={shows.reload} />}
      {shows.data && byTheater.size === 0 && <p class="muted">{t('movie.none_day')}</p>}
      {[...byTheater.values()].map((list) => (
        <section class="theater-shows" key={list[0].theater.id} aria-label={list[0].theater.name}>
          <h3>
            <a href={`/theaters/${list[0].theater.id}`}>{list[0].theater.name}</a>
          </h3>
          <ShowtimeButtons list={list} />
        </section>
      ))}
    </article>
  );
}
