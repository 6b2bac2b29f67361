// The worker thread of password-strength.ts: scores passwords with zxcvbn, one message at a time.
import { parentPort } from 'node:worker_threads';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...en.dictionary },
  graphs: common.adjacencyGraphs,
  translations: en.translations,
  // Matching cost grows steeply with length (a 72-character crafted password: ~0.7 s); past 48
  // characters the rest is not scored, which can only under-rate a password, never over-rate it.
  maxLength: 48,
});

parentPort?.on('message', (m: { id: number; password: string; inputs: string[] }) => {
  try {
    const r = zxcvbn.check(m.password, m.inputs);
    parentPort?.postMessage({
      id: m.id,
      result: { score: r.score, warning: r.feedback.warning, suggestions: r.feedback.suggestions },
    });
  } catch (err) {
    parentPort?.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) });
  }
});
