// The audit trail in the browser: an admin filters by an action prefix and finds the key just issued
// and revoked (with who, the change before and after, and the request id), and a failed login by its
// e-mail; axe-core; Bahasa Indonesia.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { call, loginAs } from '../helpers/http.ts';
import { axeProblems, logIn, newPage, skipBrowser, webAppAndBrowser } from './helpers.ts';

describe('the audit trail in the browser', { skip: skipBrowser }, () => {
  const ctx = webAppAndBrowser();

  test('filtered by action prefix: a key issued and revoked, with its change; a failed login', async () => {
    const { t } = ctx.web;
    const admin = await loginAs(t.app, 'admin@cinema.com');
    const issued = await call(t.app, {
      method: 'POST',
      url: '/api/v1/api-keys',
      token: admin,
      payload: { name: 'Audit probe', scopes: ['catalog:read'] },
    });
    assert.equal(issued.status, 201);
    const keyId = issued.body.data.id as string;
    await call(t.app, { method: 'POST', url: `/api/v1/api-keys/${keyId}/revoke`, token: admin });
    await call(t.app, { method: 'POST', url: '/api/v1/auth/login', payload: { email: 'nobody@example.com', password: 'wrong password' } });

    const errors: string[] = [];
    const context = await ctx.browser.newContext({ locale: 'en-GB' });
    const page = await newPage(context, errors);
    await page.goto(`${ctx.web.base}/admin/audit`);
    await logIn(page, 'admin@cinema.com', 'password');
    await page.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
    await page.getByTestId('audit-list').waitFor();
    await page.getByLabel(/^Action/).fill('api_key.');
    await page.getByLabel('Entity id').fill(keyId);
    await page.getByRole('button', { name: 'Filter' }).click();
    const list = page.getByTestId('audit-list');
    await list.locator('li[data-action="api_key.revoke"]').waitFor();
    const actions = await list.locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    assert.deepEqual(actions, ['api_key.revoke', 'api_key.issue'], 'newest first, only that key');
    const revoke = list.locator('li[data-action="api_key.revoke"]');
    assert.match(String(await revoke.textContent()), /by #1 as admin/);
    assert.match(String(await revoke.textContent()), /request [\w-]+/);
    await revoke.getByText('Before and after').click();
    assert.match(String(await revoke.locator('pre').last().textContent()), /"status": "revoked"/);
    assert.deepEqual(await axeProblems(page), []);

    await page.getByLabel(/^Action/).fill('auth.login_failed');
    await page.getByLabel('Entity id').fill('');
    await page.getByRole('button', { name: 'Filter' }).click();
    await list.locator('li[data-action="auth.login_failed"]').filter({ hasText: 'nobody@example.com' }).first().waitFor();

    await page.getByLabel('Language').selectOption('id');
    await page.getByRole('heading', { name: 'Jejak audit', level: 1 }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });
});
