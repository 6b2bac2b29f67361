import type { Static } from 'typebox';
import type { UserSchema } from './schemas.ts';
import type { UserRow } from './queries.ts';

/** The wire shape of an account (never the hash). date_of_birth keeps the seed's RFC 3339 form. */
export function presentUser(u: UserRow): Static<typeof UserSchema> {
  return {
    id: u.id,
    email: u.email,
    full_name: u.full_name,
    phone_number: u.phone_number,
    date_of_birth: u.date_of_birth ? `${u.date_of_birth}T00:00:00Z` : null,
    role: u.role,
    locale: u.locale,
    created_at: u.created_at.toISOString(),
    updated_at: u.updated_at.toISOString(),
  };
}
