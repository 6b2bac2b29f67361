// OWASP API9 (improper inventory management): the OpenAPI document lists every route a client can
// reach, including the ones that are not JSON: the live seat map's WebSocket (with its messages),
// /metrics, the development mailbox and the docs themselves.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/runtime.ts';

let t: TestApp;
let doc: any;
before(async () => {
  t = await startTestApp({ SEED_DEMO: 'false' });
  doc = (await t.app.inject({ method: 'GET', url: '/swagger/json' })).json();
});
after(() => t.close());

test('the live seat map WebSocket is in the document, with the messages it carries', () => {
  const live = doc.paths['/api/v1/screenings/{id}/live']?.get;
  assert.ok(live, 'GET /api/v1/screenings/{id}/live is listed');
  assert.match(live.description, /"type":"auth"/, 'the client message is described');
  assert.match(live.description, /4401/, 'close codes are described');
  const upgrade = live.responses['101'];
  assert.ok(upgrade, 'the 101 answer is documented');
  const schema = upgrade.content['application/json'].schema;
  const kinds = (schema.anyOf ?? schema.oneOf).map((s: any) => s.properties.type.enum?.[0] ?? s.properties.type.const);
  assert.deepEqual(kinds.sort(), ['delta', 'snapshot']);
  const delta = (schema.anyOf ?? schema.oneOf).find((s: any) => s.title === 'LiveDeltaMessage');
  assert.deepEqual(Object.keys(delta.properties).sort(), ['from', 'screening_id', 'seats', 'type', 'version']);
});

test('/metrics, the docs and (embedded) /dev/mail are in the document', () => {
  assert.deepEqual(doc.paths['/metrics']?.get?.tags, ['ops']);
  for (const path of ['/swagger/json', '/swagger/yaml', '/swagger/', '/swagger/index.html']) {
    assert.deepEqual(doc.paths[path]?.get?.tags, ['docs'], `${path} is listed`);
  }
  if (t.config.embedded) {
    for (const path of ['/dev/mail', '/dev/mail/{id}', '/dev/mail/{id}/raw', '/dev/mail/{id}/html', '/dev/mail/{id}/attachments/{n}']) {
      assert.deepEqual(doc.paths[path]?.get?.tags, ['dev'], `${path} is listed`);
    }
  }
});
