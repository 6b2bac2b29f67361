// Small shared pieces: loading and error states that say what is happening in words.
import type { ComponentChildren } from 'preact';
import { t } from './i18n/index.ts';

export function Loading() {
  return (
    <p class="loading" role="status" aria-live="polite">
      {t('common.loading')}
    </p>
  );
}

export function ErrorBox({ message, retry }: { message: string; retry?: () => void }) {
  const text = message === 'offline' ? t('common.offline') : t('common.error', { message });
  return (
    <div class="error" role="alert">
      <p>{text}</p>
      {retry && (
        <button type="button" onClick={retry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Notice({ kind = 'info', children }: { kind?: 'info' | 'warn' | 'ok'; children: ComponentChildren }) {
  return (
    <p class={`notice notice-${kind}`} role={kind === 'warn' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}
