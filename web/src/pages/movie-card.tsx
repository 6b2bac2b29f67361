import { t } from '../i18n/index.ts';

export interface MovieSummary {
  id: number;
  title: string;
  duration: number;
  rating: string | null;
  genre: string[] | null;
  poster_url?: string | null;
}

/** A movie in a list: its poster colour, title, duration, rating and genres; a link to its page. */
export function MovieCard({ movie, extra }: { movie: MovieSummary; extra?: string }) {
  const hue = (movie.id * 67) % 360;
  return (
    <a class="movie-card" href={`/movies/${movie.id}`}>
      <span
        class="poster"
        style={{ background: `linear-gradient(160deg, hsl(${hue} 55% 38%), hsl(${(hue + 40) % 360} 60% 18%))` }}
        aria-hidden="true"
      >
        {movie.title.slice(0, 1)}
      </span>
      <span class="movie-info">
        <strong>{movie.title}</strong>
        <span class="muted">
          {t('common.minutes', { n: movie.duration })}
          {movie.rating ? ` · ${movie.rating}` : ''}
        </span>
        {movie.genre && <span class="muted">{movie.genre.join(', ')}</span>}
        {extra && <span class="muted">{extra}</span>}
      </span>
    </a>
  );
}
