// The language the account's e-mails, SMS and e-tickets are written in follows the one the customer
// uses here: signing in, or switching language while signed in, saves it (PATCH /me) when the
// account has another. One request at a time; a failed one is tried again at the next change.
import { api } from '../api/client.ts';
import { locale } from '../i18n/index.ts';
import { session } from '../session.ts';

export function keepAccountLocale(): void {
  let sending = false;
  const sync = () => {
    const { user, token } = session.get();
    const wanted = locale.get();
    if (!user || !token || user.locale === wanted || sending) return;
    sending = true;
    void api
      .PATCH('/api/v1/me', { body: { locale: wanted } })
      .then(({ data }) => {
        const now = session.get();
        if (data && now.user?.id === user.id) session.set({ ...now, user: { ...now.user, locale: data.data.locale } });
      })
      .catch(() => undefined)
      .finally(() => {
        sending = false;
        if (locale.get() !== wanted) sync();
      });
  };
  session.subscribe(sync);
  locale.subscribe(sync);
}
