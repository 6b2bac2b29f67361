// Showtimes as buttons: local time, hall and format, "from" price, and an almost-full / sold-out mark.
import { dayLabel, money, t } from '../i18n/index.ts';

export interface BrowseScreening {
  id: number;
  show_time: string;
  local_time: string;
  price_from: number;
  currency: string;
  available_seats: number;
  is_3d: boolean;
  is_available: boolean;
  movie: { id: number; title: string; duration: number; rating: string | null; genre: string[] | null };
  theater: { id: number; name: string; time_zone: string };
  hall: { id: number; name: string; screen_type: string | null; capacity: number };
  /** the server's word, from the theater's own "almost full" threshold */
  availability: 'available' | 'almost_full' | 'sold_out';
}

export function fullness(s: BrowseScreening): 'sold_out' | 'almost_full' | undefined {
  return s.availability === 'available' ? undefined : s.availability;
}

export function ShowtimeButtons({ list }: { list: BrowseScreening[] }) {
  return (
    <ul class="showtimes">
      {list.map((s) => {
        const full = fullness(s);
        const format = [s.hall.screen_type, s.is_3d ? '3D' : null].filter(Boolean).join(' ');
        const body = (
          <>
            <strong>{s.local_time.slice(11, 16)}</strong>{' '}
            <span class="muted">
              {s.hall.name}
              {format ? ` · ${format}` : ''}
            </span>{' '}
            <span>{t('movie.from', { price: money(s.price_from, s.currency) })}</span>
            {full && <span class={`badge ${full}`}>{t(full === 'sold_out' ? 'movie.sold_out' : 'movie.almost_full')}</span>}
          </>
        );
        return (
          <li key={s.id}>
            {full === 'sold_out' ? (
              <span class="showtime disabled">{body}</span>
            ) : (
              <a class="showtime" href={`/showtimes/${s.id}`}>
                {body}
              </a>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** The next seven local dates (YYYY-MM-DD) in a time zone, from today. */
export function nextDays(timeZone: string, n = 7): string[] {
  const days: string[] = [];
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    days.push(
      new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(now + i * 86_400_000)),
    );
  }
  return days;
}

export function DateStrip({ days, value, onChange }: { days: string[]; value: string; onChange: (d: string) => void }) {
  return (
    <div class="dates" role="group" aria-label={t('movie.showtimes')}>
      {days.map((d) => {
        const l = dayLabel(d);
        return (
          <button type="button" key={d} aria-pressed={d === value} onClick={() => onChange(d)}>
            <span>{l.weekday}</span>
            <strong>{l.day}</strong>
          </button>
        );
      })}
    </div>
  );
}
