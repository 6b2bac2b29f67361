// Partner API keys in the browser: an admin issues a key (its secret shown once), the key works on
// the API for its scopes and nothing else, the secret is gone from the page once dismissed, and the
// key revoked in the browser is refused by the API at once. axe-core; Bahasa Indonesia.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { axeProblems, logIn, newPage, skipBrowser, webAppAndBrowser } from './helpers.ts';

describe('partner API keys in the browser', { skip: skipBrowser }, () => {
  const ctx = webAppAndBrowser();

  test('issue (secret shown once), use, revoke', async () => {
    const { t } = ctx.web;
    const { rows } = await t.rt.db.query<{ id: number }>(
      `SELECT id FROM screenings WHERE status = 'scheduled' AND is_available AND show_time > now() + interval '1 hour' ORDER BY show_time LIMIT 1`,
    );
    const show = rows[0].id;
    const withKey = (secret: string, method = 'GET', url = `/api/v1/screenings/${show}/seats`) =>
      fetch(`${ctx.web.base}${url}`, {
        method,
        headers: { 'x-api-key': secret, 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: JSON.stringify({ seat_ids: [1] }) } : {}),
      });

    const errors: string[] = [];
    const context = await ctx.browser.newContext({ locale: 'en-GB' });
    const page = await newPage(context, errors);
    await page.goto(`${ctx.web.base}/admin/api-keys`);
    await logIn(page, 'admin@cinema.com', 'password');
    await page.getByRole('heading', { name: 'Partner API keys', level: 1 }).waitFor();
    await page.getByLabel('Name').fill('Kiosk, lobby');
    await page.getByRole('button', { name: 'Issue the key' }).click();
    const shown = page.getByTestId('key-secret');
    await shown.waitFor();
    const secret = String(await shown.textContent()).trim();
    assert.match(secret, /^ck_[0-9a-f]{8}_/);
    const row = page.locator(`tr[data-key="${secret.split('_').slice(0, 2).join('_')}"]`);
    await row.getByText('active').waitFor();
    assert.deepEqual(await axeProblems(page), []);

    // the key works for what it may do, and nothing else
    assert.equal((await withKey(secret)).status, 200);
    const hold = await withKey(secret, 'POST', `/api/v1/screenings/${show}/holds`);
    assert.equal(hold.status, 403);
    assert.equal(((await hold.json()) as { code: string }).code, 'insufficient_scope');

    // once dismissed, the secret is nowhere on the page, nor after a reload
    await page.getByRole('button', { name: 'I have stored it' }).click();
    assert.equal(await shown.count(), 0);
    await page.reload();
    await row.waitFor();
    assert.ok(!(await page.content()).includes(secret), 'the secret is never shown again');

    // revoked in the browser: refused by the API at once
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Revoke Kiosk, lobby' }).click();
    await page.getByText('Kiosk, lobby revoked: it no longer works.').waitFor();
    await row.getByText('revoked').waitFor();
    const refused = await withKey(secret);
    assert.equal(refused.status, 401);
    assert.equal(((await refused.json()) as { code: string }).code, 'invalid_api_key');

    await page.getByLabel('Language').selectOption('id');
    await page.getByRole('heading', { name: 'Kunci API mitra', level: 1 }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });
});
