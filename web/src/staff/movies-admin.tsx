// Movies (admins): the list, adding one, changing one (read fresh with its ETag, saved with If-Match,
// so an edit made meanwhile asks for a reload instead of being overwritten), and deleting one (the
// API refuses while screenings use it).
import { useState } from 'preact/hooks';
import { api, type paths } from '../api/client.ts';
import { longDate, t } from '../i18n/index.ts';
import { useApi } from '../lib/use-api.ts';
import { ErrorBox } from '../ui.tsx';
import { attempt, Field, ifMatchOf, listOf, type Said, SaidLine } from './form-kit.tsx';

type Movie = paths['/api/v1/movies']['get']['responses'][200]['content']['application/json']['data'][number];
type Body = paths['/api/v1/movies']['post']['requestBody']['content']['application/json'];

const TEXTS = ['title', 'rating', 'language', 'director', 'release_date', 'end_date', 'poster_url', 'description'] as const;
type Draft = Record<(typeof TEXTS)[number] | 'duration' | 'genre' | 'cast', string>;

const EMPTY: Draft = {
  title: '',
  duration: '',
  genre: '',
  cast: '',
  rating: '',
  language: '',
  director: '',
  release_date: '',
  end_date: '',
  poster_url: '',
  description: '',
};

const draftOf = (m: Movie): Draft =>
  ({
    ...Object.fromEntries(TEXTS.map((k) => [k, m[k] ?? ''])),
    duration: String(m.duration),
    genre: m.genre.join(', '),
    cast: m.cast.join(', '),
  }) as Draft;

function bodyOf(d: Draft): Body {
  const orNull = (v: string) => (v.trim() === '' ? null : v.trim());
  return {
    title: d.title.trim(),
    duration: Number(d.duration),
    genre: listOf(d.genre),
    cast: listOf(d.cast),
    rating: orNull(d.rating),
    language: orNull(d.language),
    director: orNull(d.director),
    release_date: orNull(d.release_date),
    end_date: orNull(d.end_date),
    poster_url: orNull(d.poster_url),
    description: orNull(d.description),
  };
}

export function MoviesAdmin() {
  // the list is the public one (its first 100 by release); a title search reaches any movie
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const movies = useApi(() => api.GET('/api/v1/movies', { params: { query: q ? { q } : {} } }), [q]);
  const [editing, setEditing] = useState<{ id: number; etag: Record<string, string> } | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [said, say] = useState<Said>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof Draft) => (v: string) => setDraft((d) => ({ ...d, [k]: v }));

  /** Reads the movie afresh (with its ETag) into the form. */
  async function load(id: number) {
    const r = await attempt(api.GET('/api/v1/movies/{id}', { params: { path: { id } } }), say);
    if (!r) return false;
    setEditing({ id, etag: ifMatchOf(r.response) });
    setDraft(draftOf(r.data.data));
    return true;
  }
  async function edit(m: Movie) {
    if (!(await load(m.id))) return;
    say(undefined);
    document.getElementById('movie-form-h')?.scrollIntoView();
    document.querySelector<HTMLInputElement>('#movie-form input')?.focus();
  }
  async function remove(m: Movie) {
    if (!confirm(t('catalog.delete_confirm', { name: m.title }))) return;
    const r = await attempt(api.DELETE('/api/v1/movies/{id}', { params: { path: { id: m.id } } }), say);
    if (!r) return;
    say({ kind: 'ok', text: t('catalog.deleted', { name: m.title }) });
    if (editing?.id === m.id) {
      setEditing(null);
      setDraft(EMPTY);
    }
    movies.reload();
  }
  async function save(e: Event) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    const body = bodyOf(draft);
    const r = editing
      ? await attempt(
          api.PATCH('/api/v1/movies/{id}', { params: { path: { id: editing.id } }, headers: editing.etag, body }),
          say,
          () => void load(editing.id),
        )
      : await attempt(api.POST('/api/v1/movies', { body }), say);
    setBusy(false);
    if (!r) return;
    say({ kind: 'ok', text: t(editing ? 'catalog.saved' : 'catalog.added', { name: body.title }) });
    setEditing(null);
    setDraft(EMPTY);
    movies.reload();
  }

  return (
    <section aria-labelledby="movies-h">
      <h2 id="movies-h">{t('catalog.movies')}</h2>
      <SaidLine said={said} />
      <form
        class="inline-form actions"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(search.trim());
        }}
      >
        <Field label={t('catalog.find_movie')} value={search} onInput={setSearch} maxLength={100} />
        <button type="submit">{t('catalog.find')}</button>
        {q && (
          <button
            type="button"
            onClick={() => {
              setSearch('');
              setQ('');
            }}
          >
            {t('catalog.show_all')}
          </button>
        )}
      </form>
      {movies.error && <ErrorBox message={movies.error} retry={movies.reload} />}
      {movies.data && (
        <div class="table-scroll">
          <table data-testid="movies-table">
            <thead>
              <tr>
                <th scope="col">{t('catalog.movie_title')}</th>
                <th scope="col">{t('catalog.duration')}</th>
                <th scope="col">{t('catalog.rating')}</th>
                <th scope="col">{t('catalog.run')}</th>
                <th scope="col">
                  <span class="sr-only">{t('keys.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {movies.data.map((m) => (
                <tr key={m.id}>
                  <th scope="row">{m.title}</th>
                  <td>{t('common.minutes', { n: m.duration })}</td>
                  <td>{m.rating ?? ''}</td>
                  <td>
                    {m.release_date ? longDate(m.release_date) : ''}
                    {m.end_date ? ` – ${longDate(m.end_date)}` : ''}
                  </td>
                  <td class="actions">
                    <button type="button" onClick={() => void edit(m)} aria-label={t('catalog.edit_named', { name: m.title })}>
                      {t('catalog.edit')}
                    </button>
                    <button type="button" onClick={() => void remove(m)} aria-label={t('catalog.delete_named', { name: m.title })}>
                      {t('catalog.delete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form id="movie-form" class="schedule-editor catalog-form" onSubmit={save} aria-labelledby="movie-form-h">
        <h3 id="movie-form-h">{editing ? t('catalog.edit_movie', { name: draft.title }) : t('catalog.add_movie')}</h3>
        <Field label={t('catalog.movie_title')} required maxLength={200} value={draft.title} onInput={set('title')} />
        <Field label={t('catalog.duration_minutes')} required type="number" min={1} max={600} value={draft.duration} onInput={set('duration')} />
        <Field label={t('catalog.genres')} value={draft.genre} onInput={set('genre')} />
        <Field label={t('catalog.rating')} maxLength={20} value={draft.rating} onInput={set('rating')} />
        <Field label={t('catalog.language')} maxLength={50} value={draft.language} onInput={set('language')} />
        <Field label={t('catalog.director')} maxLength={200} value={draft.director} onInput={set('director')} />
        <Field label={t('catalog.cast')} value={draft.cast} onInput={set('cast')} />
        <Field label={t('catalog.release_date')} type="date" value={draft.release_date} onInput={set('release_date')} />
        <Field label={t('catalog.end_date')} type="date" value={draft.end_date} onInput={set('end_date')} />
        <Field label={t('catalog.poster_url')} type="url" value={draft.poster_url} onInput={set('poster_url')} />
        <label class="field">
          {t('catalog.description')}
          <textarea
            maxLength={5000}
            rows={3}
            value={draft.description}
            onInput={(e) => set('description')((e.target as HTMLTextAreaElement).value)}
          />
        </label>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {editing ? t('catalog.save') : t('catalog.add')}
          </button>
          {editing && (
            <button
              type="button"
              onClick={() => {
                setEditing(null);
                setDraft(EMPTY);
              }}
            >
              {t('catalog.cancel_edit')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
