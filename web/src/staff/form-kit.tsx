// Small pieces the admin catalog pages share: a labelled input, a checkbox, the line that says what
// the last save did, and a wrapper that runs an API call and turns its refusal into that line (a
// stale If-Match as "someone changed this, reload"; no answer at all as "cannot reach the service").
import { useRef, useState } from 'preact/hooks';
import { problemCode, problemText } from '../api/client.ts';
import { t } from '../i18n/index.ts';
import { Notice } from '../ui.tsx';

interface InputAttrs {
  type?: 'text' | 'number' | 'date' | 'time' | 'url' | 'email' | 'tel';
  required?: boolean;
  maxLength?: number;
  min?: number;
  max?: number;
  step?: string;
  placeholder?: string;
}

export function Field({
  label,
  value,
  onInput,
  type = 'text',
  ...attrs
}: { label: string; value: string; onInput: (v: string) => void } & InputAttrs) {
  return (
    <label class="field">
      {label}
      {/* preact types an input by its type; any of ours takes these attributes */}
      <input type={type as 'text'} {...attrs} value={value} onInput={(e) => onInput((e.target as HTMLInputElement).value)} />
    </label>
  );
}

export function Check({ label, checked, onChange }: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <label class="check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange((e.target as HTMLInputElement).checked)} /> {label}
    </label>
  );
}

export type Said = { kind: 'ok' | 'warn'; text: string } | undefined;

export function SaidLine({ said }: { said: Said }) {
  return <div aria-live="polite">{said && <Notice kind={said.kind}>{said.text}</Notice>}</div>;
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The answer's data, or undefined after saying why there is none. `reload`: what to do when the
 * thing was changed meanwhile (412): read it again, so the form shows what is there now.
 */
export async function attempt<T>(
  call: Promise<Answer<T>>,
  say: (s: Said) => void,
  reload?: () => void,
): Promise<{ data: T; response: Response } | undefined> {
  const r = await call.catch(() => null);
  if (r && r.error === undefined && r.data !== undefined) return { data: r.data, response: r.response };
  sayRefusal(r, say, reload);
  return undefined;
}

/** Says why an answer (null: none came) is not a success. */
export function sayRefusal(r: Answer<unknown> | null, say: (s: Said) => void, reload?: () => void) {
  if (!r) return say({ kind: 'warn', text: t('common.offline') });
  if (problemCode(r.error) === 'precondition_failed') {
    reload?.();
    return say({ kind: 'warn', text: reload ? t('catalog.changed_reloaded') : t('catalog.changed') });
  }
  say({ kind: 'warn', text: problemText(r.error, r.response) });
}

/**
 * One submission at a time: `run` ignores a second call while the first is under way (a double
 * click must not add two theaters), and `busy` disables the buttons meanwhile.
 */
export function useOneAtATime(): { busy: boolean; run: (work: () => Promise<unknown>) => Promise<void> } {
  const running = useRef(false);
  const [busy, setBusy] = useState(false);
  async function run(work: () => Promise<unknown>) {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    try {
      await work();
    } finally {
      running.current = false;
      setBusy(false);
    }
  }
  return { busy, run };
}

/** `"7"` from an ETag header, for the If-Match of the next write. */
export const ifMatchOf = (response: Response): Record<string, string> => {
  const tag = response.headers.get('etag');
  return tag ? { 'if-match': tag } : {};
};

/** "a, b ,c" -> ['a', 'b', 'c'] */
export const listOf = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The If-Match header for an ETag read earlier (none when there was none). */
export const ifMatch = (etag: string | undefined): Record<string, string> => (etag ? { 'if-match': etag } : {});
