// PostgreSQL clusters of our own on this machine: a primary (initdb as the postgres user, in a temp
// folder, on a free loopback port) and streaming replicas made from it with `pg_basebackup -R`. Used
// by the backup drill, the replica tests, `npm run cluster -- --replica` and the fault suite, which
// crash-restarts its primary: none of them touches the machine's own server. Each server is started
// and stopped with pg_ctl on its own data folder, never by name.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../lib/free-port.ts';

const HOST = '127.0.0.1';

/** Why local clusters cannot be made here, or false when they can. */
export function localPgUnavailable(): string | false {
  if (!existsSync('/usr/lib/postgresql')) return 'no PostgreSQL server binaries under /usr/lib/postgresql';
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) return 'no postgres user to run the server as';
  return false;
}

export function pgBin(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort();
  if (versions.length === 0) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  return `/usr/lib/postgresql/${versions[versions.length - 1]}/bin`;
}

function asPostgresArgs(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

/** As the postgres user when we are root (initdb and the server refuse root). */
export function asPostgres(cmd: string, args: string[]): string {
  const [file, argv] = asPostgresArgs(cmd, args);
  const r = spawnSync(file, argv, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** The same, without blocking: the shop goes on selling meanwhile. */
export function asPostgresLater(cmd: string, args: string[]): Promise<void> {
  const [file, argv] = asPostgresArgs(cmd, args);
  return new Promise((ok, fail) => {
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b));
    child.stderr.on('data', (b: Buffer) => (out += b));
    child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`${cmd} failed (${code}):\n${out}`))));
  });
}

/** A folder the postgres user may write in (removed by the caller). */
export function workDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  giveToPostgres(dir);
  return dir;
}

export function giveToPostgres(dir: string): void {
  if (process.getuid?.() !== 0) return;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
  chownSync(dir, uid, gid);
}

export interface LocalPg {
  port: number;
  dir: string;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  start(): void;
  /** 'fast' disconnects and shuts down cleanly; 'immediate' is a crash (recovery on the next start) */
  stop(mode?: 'fast' | 'immediate'): void;
  running(): boolean;
  /** the server's log so far */
  log(): string;
}

/** A server on an existing data folder (pg_ctl on that folder, never by name). */
export function localServer(dir: string, port: number, logFile: string): LocalPg {
  const bin = pgBin();
  const self: LocalPg = {
    port,
    dir,
    url: (database = 'postgres') => `postgres://postgres@${HOST}:${port}/${database}`,
    start: () => void asPostgres(`${bin}/pg_ctl`, ['-D', dir, '-l', logFile, '-w', '-t', '120', 'start']),
    stop: (mode = 'fast') => void asPostgres(`${bin}/pg_ctl`, ['-D', dir, '-m', mode, '-w', 'stop']),
    running: () => spawnSync(...asPostgresArgs(`${bin}/pg_ctl`, ['-D', dir, 'status'])).status === 0,
    log: () => {
      try {
        return execFileSync('tail', ['-c', '8000', logFile]).toString();
      } catch {
        return '';
      }
    },
  };
  return self;
}

function settings(port: number, extra: string[] = []): string {
  return [`port = ${port}`, `listen_addresses = '${HOST}'`, "unix_socket_directories = ''", 'fsync = on', ...extra, ''].join('\n');
}

export interface PrimaryOptions {
  /** copy every finished WAL segment here (archive_command) */
  archiveDir?: string;
  /** more postgresql.conf lines */
  settings?: string[];
}

/** A new primary in `<root>/primary`, started, trusting loopback for queries and replication. */
export async function startPrimary(root: string, opts: PrimaryOptions = {}): Promise<LocalPg> {
  const dir = join(root, 'primary');
  const port = await freePort();
  asPostgres(`${pgBin()}/initdb`, ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  const archive = opts.archiveDir
    ? ['archive_mode = on', `archive_command = 'test ! -f ${opts.archiveDir}/%f && cp %p ${opts.archiveDir}/%f'`]
    : [];
  writeFileSync(
    join(dir, 'postgresql.auto.conf'),
    settings(port, ['wal_level = replica', 'max_wal_senders = 8', 'wal_keep_size = 256MB', 'max_connections = 200', ...archive, ...(opts.settings ?? [])]),
  );
  writeFileSync(join(dir, 'pg_hba.conf'), `host all all ${HOST}/32 trust\nhost replication all ${HOST}/32 trust\n`);
  const pgServer = localServer(dir, port, join(root, 'primary.log'));
  pgServer.start();
  return pgServer;
}

/**
 * A streaming replica of `primary` in `<root>/<name>`: `pg_basebackup -R` (it writes
 * standby.signal and primary_conninfo), on a port of its own, started and streaming (hot standby:
 * it answers reads).
 */
export async function startReplica(primary: LocalPg, root: string, name = 'replica'): Promise<LocalPg> {
  const dir = join(root, name);
  const port = await freePort();
  asPostgres(`${pgBin()}/pg_basebackup`, ['-h', HOST, '-p', String(primary.port), '-U', 'postgres', '-D', dir, '-R', '-X', 'stream', '-c', 'fast']);
  // -R appended primary_conninfo to postgresql.auto.conf after the primary's own lines: ours go last
  // and win (port), the rest of the primary's settings are harmless on a standby
  writeFileSync(join(dir, 'postgresql.auto.conf'), `${execFileSync('cat', [join(dir, 'postgresql.auto.conf')]).toString()}\n${settings(port, ['hot_standby = on', "archive_mode = 'off'"])}`);
  const replica = localServer(dir, port, join(root, `${name}.log`));
  replica.start();
  // a replica that never streams is stopped before the error: its caller never gets it to stop
  try {
    await waitFor(
      async () => (await one<{ streaming: boolean }>(primary.url(), "SELECT count(*) > 0 AS streaming FROM pg_stat_replication WHERE state = 'streaming'")).streaming,
      30_000,
    );
  } catch (err) {
    replica.stop('immediate');
    throw err;
  }
  return replica;
}

/** One row of one statement on a short-lived connection. */
export async function one<R>(url: string, text: string): Promise<R> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await c.connect();
  try {
    return (await c.query(text)).rows[0] as R;
  } finally {
    await c.end();
  }
}

export async function waitFor(check: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await check().catch(() => false);
    if (ok) return;
    if (Date.now() > until) throw new Error(`not true within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops each server (immediately: its folder goes next) and removes `root`. */
export function removeAll(root: string, servers: LocalPg[]): void {
  for (const s of servers) {
    try {
      if (s.running()) s.stop('immediate');
    } catch {
      // already down
    }
  }
  rmSync(root, { recursive: true, force: true });
}
