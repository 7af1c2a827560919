import { request, type ClientRequest, type IncomingMessage } from 'node:http';

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/**
 * A server-sent-events client for tests: collects events and comment lines as they arrive and
 * lets a test await the n-th one (no sleeps), then close the connection as a browser would.
 */
export class SseReader {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  status = 0;
  body = '';
  #req: ClientRequest | undefined;
  #waiters: Array<() => void> = [];
  #ended = false;

  static open(url: string, headers: Record<string, string>): Promise<SseReader> {
    const r = new SseReader();
    return new Promise((resolve, reject) => {
      r.#req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res: IncomingMessage) => {
        r.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        let buf = '';
        res.on('data', (chunk: string) => {
          if (r.status !== 200) {
            r.body += chunk;
            return;
          }
          buf += chunk;
          for (let at = buf.indexOf('\n\n'); at >= 0; at = buf.indexOf('\n\n')) {
            r.#block(buf.slice(0, at));
            buf = buf.slice(at + 2);
          }
          r.#notify();
        });
        res.on('end', () => {
          r.#ended = true;
          r.#notify();
        });
        resolve(r);
      });
      r.#req.on('error', (err) => (r.status === 0 ? reject(err) : undefined));
      r.#req.end();
    });
  }

  #block(block: string): void {
    const ev: SseEvent = { data: '' };
    let isEvent = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('id: ')) ((ev.id = line.slice(4)), (isEvent = true));
      else if (line.startsWith('event: ')) ev.event = line.slice(7);
      else if (line.startsWith('data: ')) ((ev.data += line.slice(6)), (isEvent = true));
    }
    if (isEvent) this.events.push(ev);
  }

  #notify(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Resolves once `pred` holds (checked at each arrival); rejects after `timeoutMs`. */
  async until(pred: (r: SseReader) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this)) {
      if (this.#ended) throw new Error(`stream ended; events so far: ${JSON.stringify(this.events.map((e) => e.id))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; events so far: ${JSON.stringify(this.events.map((e) => e.id))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The rows the change events carried, in order. */
  rows<T = Record<string, unknown>>(): T[] {
    return this.events.filter((e) => e.event === 'change').map((e) => JSON.parse(e.data) as T);
  }

  close(): void {
    this.#req?.destroy();
  }
}
