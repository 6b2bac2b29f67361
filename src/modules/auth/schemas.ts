import { Type, type Static } from 'typebox';
import { Envelope, problems, Timestamp } from '../../http/schemas.ts';
import { MIN_LENGTH } from './password-strength.ts';

const Email = Type.String({ format: 'email', maxLength: 254, examples: ['admin@cinema.com'] });
const Locale = Type.Enum(['en', 'id'], {
  description: "The language of the account's e-mails, SMS and e-tickets: English or Bahasa Indonesia (default en)",
});

export const UserSchema = Type.Object({
  id: Type.Integer({ examples: [1] }),
  email: Type.String({ examples: ['admin@cinema.com'] }),
  full_name: Type.String({ examples: ['Admin User'] }),
  phone_number: Type.Union([Type.String(), Type.Null()], { examples: ['08123456789'] }),
  date_of_birth: Type.Union([Type.String(), Type.Null()], { examples: ['1990-01-01T00:00:00Z'] }),
  role: Type.Enum(['customer', 'staff', 'admin']),
  locale: Locale,
  created_at: Timestamp('When the account was made'),
  updated_at: Timestamp('Last change'),
});

const Session = Type.Object({
  token: Type.String({ description: 'Access token (JWT, HS256); send as `Authorization: Bearer <token>`' }),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Seconds until the access token expires' }),
  refresh_token: Type.Optional(
    Type.String({
      description: 'Opaque; exchange at /auth/refresh; single use. Absent when it was set as an HttpOnly cookie (`refresh_cookie: true`)',
    }),
  ),
  user: UserSchema,
});

export const LoginBody = Type.Object({
  email: Email,
  password: Type.String({ minLength: 1, maxLength: 200, examples: ['password'] }),
  refresh_cookie: Type.Optional(
    Type.Boolean({
      description:
        'Web clients: set the refresh token as an HttpOnly, SameSite=Strict cookie scoped to /api/v1/auth instead of returning it; /auth/refresh and /auth/logout then read it',
    }),
  ),
});
export type LoginBody = Static<typeof LoginBody>;

export const RegisterBody = Type.Object({
  email: Email,
  // the strength check's own minimum (password-strength.ts): the schema says what is refused
  password: Type.String({
    minLength: MIN_LENGTH,
    maxLength: 72,
    description: `At least ${MIN_LENGTH} characters (shorter: 400 validation_failed) and hard to guess (zxcvbn score 3 of 4; not built from the email or name); a weak one is refused with 400 weak_password and suggestions`,
    examples: ['violet tractor umbrella sings'],
  }),
  full_name: Type.String({ minLength: 1, maxLength: 100, examples: ['Siti Rahma'] }),
  phone_number: Type.Optional(Type.String({ pattern: '^\\+?[0-9]{8,15}$', examples: ['+6281234567890'] })),
  date_of_birth: Type.Optional(Type.String({ format: 'date', examples: ['1995-04-17'] })),
  locale: Type.Optional(Locale),
  refresh_cookie: Type.Optional(
    Type.Boolean({
      description:
        'Web clients: set the refresh token as an HttpOnly, SameSite=Strict cookie scoped to /api/v1/auth instead of returning it; /auth/refresh and /auth/logout then read it',
    }),
  ),
});
export type RegisterBody = Static<typeof RegisterBody>;

export const RefreshBody = Type.Object({
  refresh_token: Type.Optional(Type.String({ minLength: 10, maxLength: 200, description: 'Without it, the refresh cookie is read' })),
});
export type RefreshBody = Static<typeof RefreshBody>;

export const loginSchema = {
  tags: ['auth'],
  summary: 'Log in with email and password',
  description: 'Returns an access token (JWT) and a refresh token. Rate limited per IP and per account.',
  body: LoginBody,
  response: { 200: Envelope(Session), ...problems(400, 401, 429) },
};

export const registerSchema = {
  tags: ['auth'],
  summary: 'Create a customer account',
  description: 'Always creates a customer; a `role` in the body is ignored. Rate limited per IP and per account.',
  body: RegisterBody,
  response: { 201: Envelope(Session), ...problems(400, 409, 429) },
};

export const refreshSchema = {
  tags: ['auth'],
  summary: 'Exchange a refresh token for a new pair',
  description: 'Rotates the refresh token. Presenting an already used token revokes every token of that login.',
  body: RefreshBody,
  response: { 200: Envelope(Session), ...problems(400, 401) },
};

export const logoutSchema = {
  tags: ['auth'],
  summary: 'Log out (revoke the refresh token and its family)',
  body: RefreshBody,
  response: { 200: Envelope(Type.Null()), ...problems(400) },
};

export const meSchema = {
  tags: ['auth'],
  summary: 'The account behind the access token',
  response: { 200: Envelope(UserSchema), ...problems(401, 404) },
};

export const updateMeSchema = {
  tags: ['auth'],
  summary: 'Change your account settings',
  description: 'The language your e-mails, SMS and e-tickets are written in from now on (the web app sets it when you switch language).',
  body: Type.Object({ locale: Locale }, { additionalProperties: false }),
  response: { 200: Envelope(UserSchema), ...problems(400, 401, 404) },
};

export const ChangePasswordBody = Type.Object(
  {
    current_password: Type.String({ minLength: 1, maxLength: 200 }),
    new_password: Type.String({
      minLength: MIN_LENGTH,
      maxLength: 72,
      description: `At least ${MIN_LENGTH} characters (shorter: 400 validation_failed) and hard to guess (zxcvbn score 3 of 4); a weak one is refused with 400 weak_password`,
    }),
  },
  { additionalProperties: false },
);

export const changePasswordSchema = {
  tags: ['auth'],
  summary: 'Change your password (ends every other session)',
  description:
    'Checks the current password (403 wrong_password), then the new one (400 weak_password). Every access and refresh ' +
    'token of the account stops working (within SESSION_CHECK_MS on other instances); the answer is a new session.',
  body: ChangePasswordBody,
  response: { 200: Envelope(Session), ...problems(400, 401, 403) },
};

export const changeRoleSchema = {
  tags: ['auth'],
  summary: "Change an account's role (admin)",
  description:
    "The account's access tokens are refused from then on (they carry the role); its refresh token mints one with the new role. " +
    'An admin cannot change their own role (409 own_role).',
  params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
  body: Type.Object({ role: Type.Enum(['customer', 'staff', 'admin']) }, { additionalProperties: false }),
  response: { 200: Envelope(UserSchema), ...problems(400, 401, 403, 404, 409) },
};
