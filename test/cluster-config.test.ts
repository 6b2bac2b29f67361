// The balancer's configuration (ops/cluster/cluster.ts): the file Compose mounts
// (ops/cluster/haproxy.compose.cfg) is what haproxyConfig() makes for the three containers, and
// HAProxy itself accepts both that and the one `npm run cluster` writes (`haproxy -c`, where HAProxy
// is installed: CI installs it).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { freePort, haproxyBinary, haproxyConfig } from '../ops/cluster/cluster.ts';

const COMPOSE_CFG = new URL('../ops/cluster/haproxy.compose.cfg', import.meta.url);
const compose = () => haproxyConfig('*:8080', ['api:4000', 'api-2:4000', 'api-3:4000']);

describe('the balancer configuration', () => {
  test('the Compose file is what haproxyConfig() makes for the three containers', () => {
    const file = readFileSync(COMPOSE_CFG, 'utf8');
    const body = file
      .split('\n')
      .filter((l) => !l.startsWith('# '))
      .join('\n');
    assert.equal(body, compose());
  });

  test('reads may be retried, writes never; health on /readyz; WebSocket tunnels live an hour', () => {
    const cfg = haproxyConfig('127.0.0.1:4000', ['127.0.0.1:4101', '127.0.0.1:4102']);
    assert.match(cfg, /http-request disable-l7-retry unless METH_GET \|\| METH_HEAD/);
    assert.match(cfg, /option httpchk GET \/readyz/);
    assert.match(cfg, /timeout tunnel 1h/);
    assert.deepEqual(cfg.match(/^ {2}server .*$/gm), ['  server api1 127.0.0.1:4101 check', '  server api2 127.0.0.1:4102 check']);
  });

  test('HAProxy accepts both', { skip: !haproxyBinary() && 'haproxy is not installed' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'cinema-haproxy-'));
    try {
      const local = join(dir, 'local.cfg');
      writeFileSync(local, haproxyConfig('127.0.0.1:4000', ['127.0.0.1:4101', '127.0.0.1:4102', '127.0.0.1:4103']));
      for (const file of [local, COMPOSE_CFG.pathname]) {
        const r = spawnSync(String(haproxyBinary()), ['-c', '-f', file], { encoding: 'utf8' });
        assert.equal(r.status, 0, `${file}: ${r.stdout}${r.stderr}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // What the balancer answers by itself is the service's 503 with Retry-After: a client retries it
  // (a write with its Idempotency-Key) and never sees a bare 502, 503 or 504 page. An instance's own
  // 502 (the payment gateway refused) passes as it is.
  test("the balancer's own failures are 503 + Retry-After; an instance's 502 passes", {
    skip: !haproxyBinary() && 'haproxy is not installed',
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cinema-haproxy-'));
    // an instance that dies on every request before answering, and one whose answer is its own 502
    const dying = createTcpServer((socket) => socket.once('data', () => socket.destroy()));
    const refusing = createHttpServer((_req, res) =>
      res.writeHead(502, { 'content-type': 'application/problem+json' }).end('{"code":"gateway_error"}'),
    );
    const [bind, dyingPort, refusingPort, nobody] = [await freePort(), await freePort(), await freePort(), await freePort()];
    await new Promise<void>((ok) => dying.listen(dyingPort, '127.0.0.1', ok));
    await new Promise<void>((ok) => refusing.listen(refusingPort, '127.0.0.1', ok));
    const balancer = (name: string, server: string) => {
      const cfg = join(dir, `${name}.cfg`);
      writeFileSync(cfg, haproxyConfig(`127.0.0.1:${bind}`, [server]).replace(' check', ''));
      return spawn(String(haproxyBinary()), ['-f', cfg, '-db'], { stdio: 'ignore' });
    };
    const ask = async (method: string) => {
      for (let i = 0; ; i++) {
        try {
          return await fetch(`http://127.0.0.1:${bind}/api/v1/x`, { method, body: method === 'POST' ? '{}' : undefined });
        } catch (err) {
          if (i > 50) throw err;
          await new Promise((r) => setTimeout(r, 100)); // HAProxy still starting
        }
      }
    };
    try {
      for (const [server, what] of [
        [`127.0.0.1:${dyingPort}`, 'an instance that dies before answering (502)'],
        [`127.0.0.1:${nobody}`, 'no instance listening (503)'],
      ]) {
        const p = balancer('own', server);
        try {
          const r = await ask('POST');
          assert.equal(r.status, 503, what);
          assert.equal(r.headers.get('retry-after'), '1', what);
          assert.equal(r.headers.get('content-type'), 'application/problem+json', what);
          assert.equal(((await r.json()) as { code: string }).code, 'unavailable', what);
        } finally {
          p.kill('SIGKILL');
          await new Promise((ok) => p.once('exit', ok));
        }
      }
      const p = balancer('passes', `127.0.0.1:${refusingPort}`);
      try {
        const r = await ask('POST');
        assert.equal(r.status, 502);
        assert.equal(r.headers.get('retry-after'), null);
        assert.equal(r.headers.get('x-served-by'), 'api1');
      } finally {
        p.kill('SIGKILL');
        await new Promise((ok) => p.once('exit', ok));
      }
    } finally {
      dying.close();
      refusing.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
