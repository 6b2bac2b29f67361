// Home: the city (remembered), what is on now and soon there, a title search, the city's theaters.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import { longDate, t } from '../i18n/index.ts';
import { city } from '../lib/city.ts';
import { useStore } from '../lib/store.ts';
import { useTitle } from '../lib/title.ts';
import { useApi } from '../lib/use-api.ts';
import { ErrorBox, Loading } from '../ui.tsx';
import { MovieCard } from './movie-card.tsx';

export function HomePage() {
  const cityId = useStore(city);
  const cities = useApi(() => api.GET('/api/v1/cities'), []);
  const [q, setQ] = useState('');
  const [typed, setTyped] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(typed.trim()), 250);
    return () => clearTimeout(timer);
  }, [typed]);
  useEffect(() => {
    if (!cityId && cities.data?.length) city.set(cities.data.find((c) => c.name === 'Jakarta')?.id ?? cities.data[0].id);
  }, [cities.data, cityId]);
  const current = cities.data?.find((c) => c.id === cityId);
  useTitle(current ? t('home.title', { city: current.name }) : undefined);

  return (
    <section>
      <div class="home-head">
        <h1>{current ? t('home.title', { city: current.name }) : t('home.choose_city')}</h1>
        <label class="city">
          {t('nav.city')}{' '}
          <select value={cityId ?? ''} onChange={(e) => city.set(Number((e.target as HTMLSelectElement).value))}>
            {cities.data?.map((c) => (
              <option value={c.id} key={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {cities.error && <ErrorBox message={cities.error} retry={cities.reload} />}
      <label class="search">
        <span class="sr-only">{t('home.search')}</span>
        <input type="search" placeholder={t('home.search')} value={typed} onInput={(e) => setTyped((e.target as HTMLInputElement).value)} />
      </label>
      {cityId && <MovieList cityId={cityId} status="now_showing" q={q} title={t('home.now_showing')} />}
      {cityId && <MovieList cityId={cityId} status="coming_soon" q={q} title={t('home.coming_soon')} />}
      {cityId && current && <Theaters cityId={cityId} name={current.name} />}
    </section>
  );
}

function MovieList({ cityId, status, q, title }: { cityId: number; status: 'now_showing' | 'coming_soon'; q: string; title: string }) {
  const movies = useApi(
    () => api.GET('/api/v1/movies', { params: { query: { status, city_id: cityId, ...(q ? { q } : {}), limit: 50 } } }),
    [cityId, status, q],
  );
  return (
    <section aria-labelledby={`h-${status}`}>
      <h2 id={`h-${status}`}>{title}</h2>
      {movies.loading && !movies.data && <Loading />}
      {movies.error && <ErrorBox message={movies.error} retry={movies.reload} />}
      {movies.data && movies.data.length === 0 && <p class="muted">{q ? t('home.search_none', { q }) : t('home.none')}</p>}
      <ul class="movies">
        {movies.data?.map((m) => (
          <li key={m.id}>
            <MovieCard
              movie={m}
              extra={status === 'coming_soon' && m.release_date ? t('movie.release', { date: longDate(m.release_date) }) : undefined}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}

function Theaters({ cityId, name }: { cityId: number; name: string }) {
  const theaters = useApi(() => api.GET('/api/v1/cities/{id}/theaters', { params: { path: { id: cityId } } }), [cityId]);
  if (!theaters.data?.length) return null;
  return (
    <section aria-labelledby="h-theaters">
      <h2 id="h-theaters">{t('home.theaters', { city: name })}</h2>
      <ul class="theaters">
        {theaters.data.map((th) => (
          <li key={th.id}>
            <a href={`/theaters/${th.id}`}>{th.name}</a>
            <span class="muted"> · {th.address}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
