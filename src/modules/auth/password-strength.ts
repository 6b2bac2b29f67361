// How guessable a password is, by zxcvbn (dictionaries of common passwords, names, keyboard walks,
// dates, l33t) rather than by a list of our own. One rule for every account: registration, the first
// admin, a password change.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as common } from '@zxcvbn-ts/language-common';
import { dictionary as english, translations } from '@zxcvbn-ts/language-en';

/** zxcvbn's 0-4 scale; 3 = "safely unguessable", resists an offline attack on a slow hash. */
export const MIN_PASSWORD_SCORE = 3;

// Building the ranked dictionaries takes a moment: once per process, on first use.
let factory: ZxcvbnFactory | undefined;
const zxcvbn = () =>
  (factory ??= new ZxcvbnFactory({ graphs: adjacencyGraphs, dictionary: { ...common, ...english }, translations }));

export interface PasswordStrength {
  ok: boolean;
  /** 0 (a top password) to 4 */
  score: number;
  /** why it is weak, in English; empty when ok */
  feedback: string;
}

/**
 * Scores a password. `userInputs` are words the account already gives away (email, name): a
 * password built from them is guessed first.
 */
export function passwordStrength(password: string, userInputs: string[] = []): PasswordStrength {
  const inputs = userInputs.flatMap((s) => [s.toLowerCase(), ...s.toLowerCase().split(/[^\p{L}\p{N}]+/u)]).filter((s) => s.length >= 3);
  const r = zxcvbn().check(password, inputs);
  const ok = r.score >= MIN_PASSWORD_SCORE;
  const feedback = ok ? '' : [r.feedback.warning, ...r.feedback.suggestions].filter(Boolean).join(' ') || 'Add more words or characters.';
  return { ok, score: r.score, feedback };
}
