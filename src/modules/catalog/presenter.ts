// The wire shapes of catalog resources, built from rows. queries.ts builds the same shapes in SQL for
// the browse lists; a test checks that both agree.
import type { Static } from 'typebox';
import type { CitySchema, MovieSchema, TheaterSchema } from './schemas.ts';
import type { CityRow, MovieRow, TheaterRow } from './queries.ts';

export function presentCity(c: CityRow): Static<typeof CitySchema> {
  return {
    id: c.id,
    name: c.name,
    province: c.province,
    created_at: c.created_at.toISOString(),
    updated_at: c.updated_at.toISOString(),
  };
}

export function presentTheater(t: TheaterRow): Static<typeof TheaterSchema> {
  return {
    id: t.id,
    city_id: t.city_id,
    name: t.name,
    address: t.address,
    contact_phone: t.contact_phone,
    contact_email: t.contact_email,
    time_zone: t.time_zone,
    is_active: t.is_active,
    orphan_seat_rule: t.orphan_seat_rule,
    companion_needs_wheelchair: t.companion_needs_wheelchair,
    sellout_alert_percents: t.sellout_alert_percents,
    total_halls: t.total_halls,
    created_at: t.created_at.toISOString(),
    updated_at: t.updated_at.toISOString(),
  };
}

export function presentMovie(m: MovieRow): Static<typeof MovieSchema> {
  return {
    id: m.id,
    title: m.title,
    description: m.description,
    duration: m.duration,
    genre: m.genre,
    rating: m.rating,
    director: m.director,
    cast: m.cast,
    language: m.language,
    release_date: m.release_date,
    end_date: m.end_date,
    poster_url: m.poster_url,
    created_at: m.created_at.toISOString(),
    updated_at: m.updated_at.toISOString(),
  };
}
