/** One message of a server-sent event stream: an event with its data, or a comment line (`: heartbeat`). */
export type StreamMessage = { readonly kind: 'event'; readonly event: string; readonly data: string } | { readonly kind: 'comment'; readonly text: string };

export interface EventStreamReader {
  readonly status: number;
  readonly contentType: string | null;
  /** Every message so far, in order. */
  readonly messages: StreamMessage[];
  /** Waits for the first message after the `from`-th that `test` accepts; fails naming `what` when the stream ends first or after `timeoutMs`. */
  next(what: string, test: (m: StreamMessage) => boolean, from?: number, timeoutMs?: number): Promise<StreamMessage>;
  /** Resolves when the server has ended the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/**
 * Reads GET /api/events the way a browser's EventSource does (text/event-stream framing), with
 * fetch, so a test can wait on exactly the message it expects: never a sleep.
 */
export async function openEventStream(url: string, headers: Record<string, string>): Promise<EventStreamReader> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const messages: StreamMessage[] = [];
  const waiters = new Set<() => void>();
  let done = false;
  const wake = () => waiters.forEach((w) => w());
  const ended = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          messages.push(...parse(block));
          wake();
        }
      }
    } catch {
      // Aborted by close().
    } finally {
      done = true;
      wake();
    }
  })();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    messages,
    ended,
    close: () => abort.abort(),
    next(what, test, from = 0, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(messages.slice(from))}`))), timeoutMs);
        const finish = (f: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          f();
        };
        const check = () => {
          const found = messages.slice(from).find(test);
          if (found) finish(() => resolve(found));
          else if (done) finish(() => reject(new Error(`the stream ended before ${what}; got ${JSON.stringify(messages.slice(from))}`)));
        };
        waiters.add(check);
        check();
      });
    },
  };
}

function parse(block: string): StreamMessage[] {
  const lines = block.split('\n');
  if (lines.every((l) => l.startsWith(':'))) return lines.map((l) => ({ kind: 'comment', text: l.slice(1).trim() }));
  let event = 'message';
  const data: string[] = [];
  for (const l of lines) {
    if (l.startsWith('event:')) event = l.slice(6).trim();
    else if (l.startsWith('data:')) data.push(l.slice(5).trimStart());
  }
  // A block with only `retry:` sets the reconnection delay; it carries no event.
  return data.length > 0 ? [{ kind: 'event', event, data: data.join('\n') }] : [];
}

export const isEvent = (event: string, data?: (d: Record<string, unknown>) => boolean) => (m: StreamMessage) =>
  m.kind === 'event' && m.event === event && (!data || data(JSON.parse(m.data) as Record<string, unknown>));
