// Password strength: a new password must be at least MIN_LENGTH characters and score at least
// MIN_SCORE (0-4) with zxcvbn, which knows the common-password lists, English words and names,
// keyboard walks, dates, repeats and l33t, and is told the account's own email and name. Used by
// registration, password change and `npm run create-admin`; seeded demo accounts are not checked.
//
// zxcvbn runs on a worker thread (password-strength-worker.ts): a crafted 40-character password
// costs it 100-700 ms of CPU, which on the event loop would stall every request (OWASP API4). One
// thread, started on first use, referenced only while a check is waiting (an idle thread never keeps
// a process alive, a waiting check does), restarted if it dies.
import { Worker } from 'node:worker_threads';
import { AppError } from '../../http/errors.ts';

export const MIN_LENGTH = 10;
export const MIN_SCORE = 3;
// bcrypt reads only the first 72 bytes; longer passwords would be silently cut.
export const MAX_BYTES = 72;

export interface StrengthVerdict {
  ok: boolean;
  score: number; // 0-4 (zxcvbn); 0 when refused before scoring (length)
  warning: string | null;
  suggestions: string[];
}

/** Judges a new password. `userInputs`: words the password must not lean on (email, name). */
export async function checkPasswordStrength(password: string, userInputs: string[] = []): Promise<StrengthVerdict> {
  if ([...password].length < MIN_LENGTH) {
    return { ok: false, score: 0, warning: `Use at least ${MIN_LENGTH} characters.`, suggestions: ['Use a few uncommon words together.'] };
  }
  if (Buffer.byteLength(password) > MAX_BYTES) {
    return { ok: false, score: 0, warning: `Use at most ${MAX_BYTES} bytes.`, suggestions: [] };
  }
  const inputs = userInputs.flatMap((s) => [s, ...s.split(/[@.\s_+-]+/)]).filter((s) => s.length >= 3);
  const { score, warning, suggestions } = await thread().score(password, inputs);
  return { ok: score >= MIN_SCORE, score, warning, suggestions };
}

/** Throws 400 weak_password with zxcvbn's feedback when the password is too weak. */
export async function assertStrongPassword(password: string, userInputs: string[] = []): Promise<void> {
  const v = await checkPasswordStrength(password, userInputs);
  if (v.ok) return;
  throw new AppError('weak_password', v.warning ?? 'The password is too easy to guess', {
    score: v.score,
    min_score: MIN_SCORE,
    min_length: MIN_LENGTH,
    warning: v.warning,
    suggestions: v.suggestions,
  });
}

// --- the thread -------------------------------------------------------------------------------

interface Scored {
  score: number;
  warning: string | null;
  suggestions: string[];
}

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './password-strength-worker.ts' : './password-strength-worker.js', import.meta.url);

function newWorker(): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL);
  // Under tsx a worker thread must register tsx's loader itself before loading a .ts file.
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
  return new Worker(boot, { eval: true });
}

let current: { score(password: string, inputs: string[]): Promise<Scored> } | undefined;

function thread() {
  if (current) return current;
  const worker = newWorker();
  let nextId = 1;
  const pending = new Map<number, { resolve: (s: Scored) => void; reject: (e: Error) => void }>();
  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (m: { id: number; result?: Scored; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) worker.unref();
    if (m.result) p.resolve(m.result);
    else p.reject(new Error(`Password strength check failed: ${m.error}`));
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => {
    if (current === self) current = undefined;
    failAll(new Error(`Password strength thread exited (${code})`));
  });
  // after the listeners: adding a 'message' listener refs the worker's port again
  worker.unref();
  const self = {
    score(password: string, inputs: string[]) {
      return new Promise<Scored>((resolve, reject) => {
        const id = nextId++;
        if (pending.size === 0) worker.ref();
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, password, inputs });
      });
    },
  };
  current = self;
  return self;
}
