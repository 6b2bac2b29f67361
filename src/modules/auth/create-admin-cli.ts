// `npm run create-admin`: makes an admin account in the database the service would open (DATABASE_URL,
// else PGlite in DATA_DIR; the service's secrets are not needed, so an operator can run it from
// another machine). Email and password come from ADMIN_EMAIL / ADMIN_PASSWORD, else from a prompt
// (the password not echoed), else from standard input, one per line. The password must pass the
// strength rule every account follows; it is never printed. Exit 0: made; 1: refused.
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { openDb } from '../../runtime.ts';
import { migrate } from '../../db/migrate.ts';
import { createAdmin } from './create-admin.ts';
import { BCRYPT_COST_RANGE, DEFAULT_BCRYPT_COST } from './passwords.ts';

async function main(): Promise<number> {
  const { DATABASE_URL, DATA_DIR = './data' } = process.env;
  if (DATABASE_URL && !/^postgres(ql)?:\/\//.test(DATABASE_URL)) throw new Error('DATABASE_URL must be a postgres:// URL');
  const cost = Number(process.env.BCRYPT_COST || DEFAULT_BCRYPT_COST);
  if (!Number.isInteger(cost) || cost < BCRYPT_COST_RANGE.min || cost > BCRYPT_COST_RANGE.max) {
    throw new Error(`BCRYPT_COST must be an integer from ${BCRYPT_COST_RANGE.min} to ${BCRYPT_COST_RANGE.max}`);
  }
  const { email, password } = await credentials();
  const db = await openDb({
    DATABASE_URL: DATABASE_URL || undefined,
    DB_POOL_MAX: 2,
    dataDir: DATA_DIR === ':memory:' ? ':memory:' : resolve(DATA_DIR),
  });
  try {
    await migrate(db);
    const r = await createAdmin(db, { email, password, bcryptCost: cost });
    if (r.kind === 'created') {
      process.stdout.write(`create-admin: admin ${r.email} created (id ${r.id}); sign in with POST /api/v1/login\n`);
      return 0;
    }
    if (r.kind === 'weak_password') process.stderr.write(`create-admin: the password is too easy to guess: ${r.feedback}\n`);
    else if (r.kind === 'email_taken') process.stderr.write(`create-admin: an account with ${r.email} already exists; it is not changed\n`);
    return 1;
  } finally {
    await db.close();
  }
}

async function credentials(): Promise<{ email: string; password: string }> {
  const fromEnv = { email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD };
  if (fromEnv.email && fromEnv.password) return { email: fromEnv.email, password: fromEnv.password };
  const tty = Boolean(process.stdin.isTTY);
  // a terminal gets prompts with the password hidden; a pipe is read line by line, silently
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, done) {
      if (tty && !muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: tty });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (prompt: string, hidden = false) => {
    output.write(prompt);
    muted = hidden;
    const { value, done } = await lines.next();
    muted = false;
    if (hidden && tty) process.stdout.write('\n');
    if (done) throw new Error(`no answer to "${prompt.trim()}"`);
    return String(value).trim();
  };
  try {
    const email = fromEnv.email || (await ask('Admin email: '));
    const password = fromEnv.password || (await ask('Password: ', true));
    if (tty && !fromEnv.password && (await ask('Password again: ', true)) !== password) throw new Error('the passwords differ');
    return { email, password };
  } finally {
    rl.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`create-admin failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
