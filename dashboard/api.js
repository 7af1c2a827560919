// The amiq HTTP API, with the bearer token this browser keeps (localStorage) or was given in the URL fragment.
const KEY = 'amiq.token';

/** The token: from `#token=…` (then kept, and removed from the address bar), else the one kept. */
export function takeToken() {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m) {
    localStorage.setItem(KEY, decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
  return localStorage.getItem(KEY);
}

export const keepToken = (token) => localStorage.setItem(KEY, token);
export const forgetToken = () => localStorage.removeItem(KEY);

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function getJson(token, path) {
  const res = await fetch(path, { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body.message ?? res.statusText);
  return body;
}

/**
 * Follows GET /v1/changes (fetch, not EventSource: EventSource cannot send the Authorization
 * header), resuming after the last event seen whenever the stream drops. onChange(row, seq);
 * onState('live' | 'retrying' | 'refused', detail).
 */
export function followChanges(token, { onChange, onState }) {
  let last;
  let stopped = false;
  const ctl = { abort: () => undefined };
  const run = async () => {
    while (!stopped) {
      const abort = new AbortController();
      ctl.abort = () => abort.abort();
      try {
        const headers = { authorization: `Bearer ${token}` };
        if (last !== undefined) headers['last-event-id'] = String(last);
        const res = await fetch('v1/changes', { headers, signal: abort.signal, cache: 'no-store' });
        if (res.status === 401 || res.status === 403) {
          onState('refused', (await res.json().catch(() => ({}))).message ?? res.statusText);
          return;
        }
        if (res.status === 410) last = undefined;
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        onState('live');
        await readEvents(res.body, (ev) => {
          if (ev.id !== undefined) last = Number(ev.id);
          if (ev.event === 'change') onChange(JSON.parse(ev.data), Number(ev.id));
        });
      } catch (err) {
        if (stopped) return;
        onState('retrying', String(err.message ?? err));
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  run();
  return () => {
    stopped = true;
    ctl.abort();
  };
}

async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    let at;
    while ((at = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, at);
      buf = buf.slice(at + 2);
      const ev = { data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) ev.id = line.slice(4);
        else if (line.startsWith('event: ')) ev.event = line.slice(7);
        else if (line.startsWith('data: ')) ev.data += line.slice(6);
      }
      if (ev.event !== undefined) onEvent(ev);
    }
  }
}
