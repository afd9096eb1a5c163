import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { closeHttpServer, listenOnLoopback } from './loopback.js';
import { Faults, Recorder, type FaultWindow } from './recorder.js';
import { makeTestCertificates } from './test-ca.js';

/**
 * PagerDuty's Events API v2 as documented, over HTTPS with a test CA, on 127.0.0.1 (PagerDuty
 * itself cannot be reached from here). It checks what the documentation says an event must be
 * and answers the way PagerDuty does:
 * - https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ (fields, limits, enums)
 * - https://developer.pagerduty.com/docs/events-api-v2/overview/ (202 / 400 / 429 / 5xx)
 * Faults (429 for two minutes, 500 three times, no answer at all) are injected by tests.
 */

export interface ReceivedEvent {
  /** When the request body had fully arrived. */
  readonly at: Date;
  readonly contentType: string | undefined;
  /** The parsed body, or the raw text when it was not JSON. */
  readonly body: unknown;
  readonly answer: { readonly status: number; readonly body?: unknown } | 'none';
}

type Fault = { kind: 'status'; status: number; retryAfter?: string; body?: unknown } | { kind: 'stall' };

const ACTIONS = ['trigger', 'acknowledge', 'resolve'];
const SEVERITIES = ['critical', 'error', 'warning', 'info'];
/** Events API payloads are limited to 512 KB (overview, "Size Limits"). */
const MAX_BODY_BYTES = 512 * 1024;

export class PagerDutyContractServer {
  readonly received = new Recorder<ReceivedEvent>();
  private readonly faults: Faults<Fault>;
  private readonly stalled = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly caPem: string,
    /** Base, e.g. https://127.0.0.1:41234 */
    readonly origin: string,
    now: () => number,
  ) {
    this.faults = new Faults<Fault>(now);
  }

  /** The Events endpoint to configure: `${origin}/v2/enqueue`. */
  get url(): string {
    return `${this.origin}/v2/enqueue`;
  }

  /**
   * `port`: listen there instead of on a free port, e.g. where a SilentServer held a page attempt
   * of a replica that was then killed, so the restarted replica's retry reaches this server.
   * `now` times fault windows (`forMs`); the wall clock unless a test drives time itself.
   */
  static async start(options: { readonly port?: number; readonly now?: () => number } = {}): Promise<PagerDutyContractServer> {
    const certs = await makeTestCertificates();
    const server = createServer({ cert: certs.certPem, key: certs.keyPem });
    const port = await listenOnLoopback(server, options.port);
    const fake = new PagerDutyContractServer(server, certs.caPem, `https://127.0.0.1:${port}`, options.now ?? Date.now);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => fake.handle(req, res));
    return fake;
  }

  /** Answer `status` instead of processing, e.g. `failWith(429, { forMs: 120_000, retryAfter: '30' })`. */
  failWith(status: number, options: FaultWindow & { retryAfter?: string | number; body?: unknown } = {}): void {
    this.faults.set({ kind: 'status', status, ...(options.retryAfter !== undefined ? { retryAfter: String(options.retryAfter) } : {}), ...(options.body !== undefined ? { body: options.body } : {}) }, options);
  }

  /** Read the request and never answer (a client's timeout is what ends it). */
  stall(window: FaultWindow = {}): void {
    this.faults.set({ kind: 'stall' }, window);
  }

  heal(): void {
    this.faults.clear();
  }

  /** Events that were accepted (202), in arrival order. */
  accepted(): ReceivedEvent[] {
    return this.received.entries.filter((e) => e.answer !== 'none' && e.answer.status === 202);
  }

  close(): Promise<void> {
    return closeHttpServer(this.server, this.stalled);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const contentType = req.headers['content-type'];
      let body: unknown = text;
      let json = false;
      try {
        body = JSON.parse(text);
        json = true;
      } catch {
        // kept as text: the record shows what was sent
      }
      const record = (answer: ReceivedEvent['answer']) => this.received.add({ at: new Date(), contentType, body, answer });
      if (req.method !== 'POST' || req.url !== '/v2/enqueue') {
        send(res, 404, { status: 'not found', message: 'Not found' });
        return record({ status: 404 });
      }
      const fault = this.faults.take();
      if (fault?.kind === 'stall') {
        this.stalled.add(res);
        return record('none');
      }
      if (fault) {
        const answerBody = fault.body ?? (fault.status === 429 ? { status: 'throttle event', message: 'Requests for this service are arriving too quickly. Please retry later.' } : { status: 'error', message: 'Internal server error' });
        send(res, fault.status, answerBody, fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {});
        return record({ status: fault.status, body: answerBody });
      }
      const errors = size > MAX_BODY_BYTES ? ['Event payload exceeds 512 KB'] : !json ? ['Event object is not valid JSON'] : validate(body, contentType);
      if (errors.length > 0) {
        const answerBody = { status: 'invalid event', message: 'Event object is invalid', errors };
        send(res, 400, answerBody);
        return record({ status: 400, body: answerBody });
      }
      const event = body as { dedup_key?: string };
      const answerBody = { status: 'success', message: 'Event processed', dedup_key: event.dedup_key ?? generatedKey() };
      send(res, 202, answerBody);
      record({ status: 202, body: answerBody });
    });
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

let generated = 0;
/** What PagerDuty does for a trigger without dedup_key: a fresh key, returned in the answer. */
function generatedKey(): string {
  generated += 1;
  return `generated${String(generated).padStart(23, '0')}`;
}

/** The Events v2 rules the docs state, one message each, the way PagerDuty lists them in `errors`. */
export function validate(body: unknown, contentType: string | undefined): string[] {
  const errors: string[] = [];
  if (!contentType || !/^application\/json\b/i.test(contentType)) errors.push('Content-Type must be application/json');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [...errors, 'Event object must be a JSON object'];
  const e = body as Record<string, unknown>;
  if (typeof e['routing_key'] !== 'string' || e['routing_key'].length !== 32) errors.push("'routing_key' must be a 32 character string");
  if (typeof e['event_action'] !== 'string' || !ACTIONS.includes(e['event_action'])) errors.push("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)");
  if (e['dedup_key'] !== undefined && (typeof e['dedup_key'] !== 'string' || e['dedup_key'].length > 255)) errors.push("'dedup_key' must be a string of at most 255 characters");
  if ((e['event_action'] === 'acknowledge' || e['event_action'] === 'resolve') && typeof e['dedup_key'] !== 'string') errors.push("'dedup_key' is required for acknowledge and resolve events");
  if (e['event_action'] === 'trigger') {
    const p = e['payload'];
    if (typeof p !== 'object' || p === null) {
      errors.push("'payload' is missing or is not an object");
    } else {
      const payload = p as Record<string, unknown>;
      if (typeof payload['summary'] !== 'string' || payload['summary'].length === 0) errors.push("'payload.summary' is missing or blank");
      else if (payload['summary'].length > 1024) errors.push("'payload.summary' must be at most 1024 characters");
      if (typeof payload['source'] !== 'string' || payload['source'].length === 0) errors.push("'payload.source' is missing or blank");
      if (typeof payload['severity'] !== 'string' || !SEVERITIES.includes(payload['severity'])) errors.push("'payload.severity' is invalid (must be one of: critical, error, warning, info)");
      if (payload['timestamp'] !== undefined && (typeof payload['timestamp'] !== 'string' || Number.isNaN(Date.parse(payload['timestamp'])))) errors.push("'payload.timestamp' is not a valid ISO 8601 timestamp");
      if (payload['custom_details'] !== undefined && (typeof payload['custom_details'] !== 'object' || payload['custom_details'] === null)) errors.push("'payload.custom_details' must be an object");
    }
  }
  const links = e['links'];
  if (links !== undefined && (!Array.isArray(links) || links.some((l) => typeof l !== 'object' || l === null || typeof (l as { href?: unknown }).href !== 'string'))) errors.push("'links' must be a list of objects with 'href'");
  const images = e['images'];
  if (images !== undefined && (!Array.isArray(images) || images.some((i) => typeof i !== 'object' || i === null || typeof (i as { src?: unknown }).src !== 'string'))) errors.push("'images' must be a list of objects with 'src'");
  return errors;
}
