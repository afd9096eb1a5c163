import { createServer, type Server } from 'node:http';
import { closeHttpServer, listenOnLoopback } from './loopback.js';
import { Recorder } from './recorder.js';

/** One request that passed the tap, with what the target answered. */
export interface TappedDelivery {
  readonly at: Date;
  readonly path: string;
  readonly authorization: string | undefined;
  /** The raw body, byte for byte as the sender sent it: what a test re-posts as a retry. */
  readonly body: string;
  /** The target's status; 0 when the target could not be reached (the sender then got a 502). */
  readonly status: number;
  /** The target's answer body ('' when unreachable). */
  readonly answer: string;
}

/**
 * An HTTP pass-through between a sender (Alertmanager) and Vigil that records every request body
 * and the status Vigil answered. Alertmanager's own log does not show the payloads it sent;
 * the tap does, so a test can count deliveries and re-post a captured one as a retry.
 */
export class WebhookTap {
  readonly deliveries = new Recorder<TappedDelivery>();

  private constructor(
    private readonly server: Server,
    /** Base of the tap, e.g. http://127.0.0.1:41234; the path is passed on unchanged. */
    readonly origin: string,
  ) {}

  static async start(target: string): Promise<WebhookTap> {
    const server = createServer();
    const tap = new WebhookTap(server, `http://127.0.0.1:${await listenOnLoopback(server)}`);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers: Record<string, string> = { 'content-type': req.headers['content-type'] ?? 'application/json' };
        if (req.headers.authorization !== undefined) headers.authorization = req.headers.authorization;
        const record = (status: number, answer: string) => tap.deliveries.add({ at: new Date(), path: req.url ?? '', authorization: req.headers.authorization, body, status, answer });
        fetch(`${target}${req.url ?? ''}`, { method: req.method ?? 'POST', headers, body })
          .then(async (r) => {
            const text = await r.text();
            record(r.status, text);
            res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' }).end(text);
          })
          .catch((err: unknown) => {
            record(0, '');
            res.writeHead(502, { 'content-type': 'text/plain' }).end(`tap: ${String(err)}`);
          });
      });
    });
    return tap;
  }

  close(): Promise<void> {
    return closeHttpServer(this.server, []);
  }
}
