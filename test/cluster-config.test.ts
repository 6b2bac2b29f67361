// The balancer's configuration (ops/cluster/cluster.ts): the file Compose mounts
// (ops/cluster/haproxy.compose.cfg) is what haproxyConfig() makes for the three containers, and
// HAProxy itself accepts both that and the one `npm run cluster` writes (`haproxy -c`, where HAProxy
// is installed: CI installs it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { haproxyBinary, haproxyConfig } from '../ops/cluster/cluster.ts';

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
});
