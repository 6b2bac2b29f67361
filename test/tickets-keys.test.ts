// Which key signs e-tickets: TICKET_SIGNING_KEY, the data folder (embedded), or, with DATABASE_URL and
// no key given, one derived from JWT_SECRET so every instance signs alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/config.ts';
import { ticketKeysFor } from '../src/modules/tickets/keys.ts';
import { newTicketKeyPem } from '../src/eticket/signing-key.ts';

const url = 'postgres://postgres@127.0.0.1:5432/x';

test('with DATABASE_URL and no TICKET_SIGNING_KEY: the same key on every instance sharing JWT_SECRET, another for another secret', () => {
  const a = ticketKeysFor(loadConfig({ DATABASE_URL: url, JWT_SECRET: 'a'.repeat(32), DATA_DIR: ':memory:' }));
  const b = ticketKeysFor(loadConfig({ DATABASE_URL: url, JWT_SECRET: 'a'.repeat(32), DATA_DIR: ':memory:' }));
  const c = ticketKeysFor(loadConfig({ DATABASE_URL: url, JWT_SECRET: 'b'.repeat(32), DATA_DIR: ':memory:' }));
  assert.equal(a.keyId, b.keyId);
  assert.notEqual(a.keyId, c.keyId);
  assert.equal(a.privateKey.asymmetricKeyType, 'ed25519');
});

test('TICKET_SIGNING_KEY wins when given', () => {
  const pem = newTicketKeyPem();
  const a = ticketKeysFor(loadConfig({ DATABASE_URL: url, JWT_SECRET: 'a'.repeat(32), TICKET_SIGNING_KEY: pem }));
  const b = ticketKeysFor(loadConfig({ DATA_DIR: ':memory:', TICKET_SIGNING_KEY: pem }));
  assert.equal(a.keyId, b.keyId);
});
