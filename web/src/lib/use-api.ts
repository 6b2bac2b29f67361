// Loads data for a component: { data, error, loading, reload } and the answer's ETag (for the If-Match
// of an edit). A newer load wins over an older one.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { problemText } from '../api/client.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  /** The ETag of the answer, when it had one */
  etag?: string;
  reload: () => void;
}

export function useApi<T>(load: () => Promise<{ data?: { data: T }; error?: unknown; response: Response }>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: string | undefined; loading: boolean; etag?: string }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const seq = useRef(0);
  const run = useCallback(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load()
      .then((r) => {
        if (mine !== seq.current) return;
        if (r.data) setState({ data: r.data.data, error: undefined, loading: false, etag: r.response.headers.get('etag') ?? undefined });
        else setState({ data: undefined, error: problemText(r.error, r.response), loading: false });
      })
      .catch(() => mine === seq.current && setState({ data: undefined, error: 'offline', loading: false }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run };
}
