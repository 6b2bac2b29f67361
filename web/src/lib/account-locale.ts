// The language the account's e-mails, SMS and e-tickets are written in follows the one the customer
// picked here: switching language while signed in, or signing in on a device where someone picked
// one, saves it (PATCH /me) when the account has another. On a device where nobody picked (the
// page guessed from the browser), signing in shows the page in the account's language instead: a
// guess never overwrites a choice, and gives way to one (without becoming this device's pick); signing
// out goes back to the browser's guess, so the next person at a shared device does not inherit it.
// One request at a time; a failed one is tried again at the next change.
import { api } from '../api/client.ts';
import { adoptLocale, browserLocale, locale, localeChosen } from '../i18n/index.ts';
import { session } from '../session.ts';

export function keepAccountLocale(): void {
  let sending = false;
  const sync = () => {
    const { user, token } = session.get();
    const wanted = locale.get();
    if (!user && !localeChosen()) return adoptLocale(browserLocale());
    if (!user || !token || user.locale === wanted || sending) return;
    if (!localeChosen()) {
      if (user.locale) adoptLocale(user.locale);
      return;
    }
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
