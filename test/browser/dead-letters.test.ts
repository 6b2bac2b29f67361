// Undelivered messages in the browser: an admin sees a dead letter with why it failed and sends it
// again; the database has it pending with a fresh set of attempts; axe-core; Bahasa Indonesia.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { axeProblems, logIn, newPage, skipBrowser, webAppAndBrowser } from './helpers.ts';

describe('undelivered messages in the browser', { skip: skipBrowser }, () => {
  const ctx = webAppAndBrowser();

  test('a dead letter, sent again', async () => {
    const { t } = ctx.web;
    const { rows } = await t.rt.db.query<{ id: string }>(
      `INSERT INTO outbox (dedupe_key, kind, channel, recipient, payload, status, attempts, last_error)
       VALUES ('browser-dead:1', 'ticket_issued', 'email', 'budi@exmaple.com', '{}', 'dead', 8, '550 mailbox unavailable') RETURNING id`,
    );
    const id = rows[0].id;
    const errors: string[] = [];
    const context = await ctx.browser.newContext({ locale: 'en-GB' });
    const page = await newPage(context, errors);
    await page.goto(`${ctx.web.base}/admin/outbox`);
    await logIn(page, 'admin@cinema.com', 'password');
    const item = page.locator(`li[data-id="${id}"]`);
    await item.getByText('Failed: 550 mailbox unavailable (8 attempts').waitFor();
    assert.deepEqual(await axeProblems(page), []);
    await page.getByRole('button', { name: 'Send again to budi@exmaple.com' }).click();
    await page.getByText('Queued again for budi@exmaple.com.').waitFor();
    await item.waitFor({ state: 'detached' });
    const now = await t.rt.db.query<{ status: string; attempts: number }>('SELECT status, attempts FROM outbox WHERE id = $1', [id]);
    // queued again with a fresh set of attempts (no outbox worker runs in this test's process)
    assert.deepEqual(now.rows[0], { status: 'pending', attempts: 0 });
    await page.getByLabel('Language').selectOption('id');
    await page.getByRole('heading', { name: 'Pesan yang tidak terkirim', level: 1 }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });
});
