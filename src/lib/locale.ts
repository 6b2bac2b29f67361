// The languages a customer's messages and e-tickets are written in: the web app's two. An account
// keeps its choice (users.locale); anything else reads as English.
export const LOCALES = ['en', 'id'] as const;
export type Locale = (typeof LOCALES)[number];

export const localeOf = (value: unknown): Locale => (value === 'id' ? 'id' : 'en');
