import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeHttpServer, listenOnLoopback } from './loopback.js';
import { Faults, Recorder, type FaultWindow } from './recorder.js';

/**
 * The two Slack Web API methods Vigil calls, as documented, on 127.0.0.1 (Slack cannot be reached
 * from here):
 * - https://docs.slack.dev/reference/methods/chat.postMessage
 * - https://docs.slack.dev/reference/methods/chat.update
 * - https://docs.slack.dev/apis/web-api/ (form or JSON bodies, Bearer token, HTTP 200 with
 *   `ok:false` for errors, HTTP 429 + Retry-After when rate limited)
 * chat.update takes the channel *id* and the ts postMessage answered; a name or a member id there
 * is `channel_not_found`, as on Slack.
 */

export interface SlackMessageRecord {
  readonly channel: string;
  readonly ts: string;
  readonly text: string;
  readonly blocks?: unknown[];
  /** Every version after the first, oldest first. */
  readonly updates: { readonly at: Date; readonly text: string; readonly blocks?: unknown[] }[];
}

export interface SlackCall {
  readonly at: Date;
  readonly method: string;
  readonly contentType: string | undefined;
  readonly args: Record<string, unknown>;
  readonly answer: { readonly status: number; readonly body: unknown } | 'none';
}

export interface SlackContractOptions {
  /** The bot token calls must carry. */
  readonly token: string;
  /** Channel name (without #) → id. Ids (C…) are accepted as themselves. */
  readonly channels: Readonly<Record<string, string>>;
  /** Member ids a direct message can go to; each gets its own D… channel. */
  readonly members?: readonly string[];
  /** Times fault windows (`forMs`); the wall clock unless a test drives time itself. */
  readonly now?: () => number;
}

type Fault = { kind: 'ratelimited'; retryAfter: number } | { kind: 'status'; status: number } | { kind: 'platform'; error: string } | { kind: 'stall' };

export class SlackContractServer {
  readonly calls = new Recorder<SlackCall>();
  /** Messages by channel id, in posting order. */
  readonly messages = new Map<string, SlackMessageRecord[]>();
  private readonly faults: Faults<Fault>;
  private readonly stalled = new Set<ServerResponse>();
  private seq = 0;

  private constructor(
    private readonly server: Server,
    private readonly options: SlackContractOptions,
    /** The Web API base to configure, e.g. http://127.0.0.1:41234/api/ */
    readonly apiUrl: string,
  ) {
    this.faults = new Faults<Fault>(options.now ?? Date.now);
  }

  static async start(options: SlackContractOptions): Promise<SlackContractServer> {
    const server = createServer();
    const port = await listenOnLoopback(server);
    const fake = new SlackContractServer(server, options, `http://127.0.0.1:${port}/api/`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => fake.handle(req, res));
    return fake;
  }

  /** HTTP 429 with Retry-After, as Slack rate-limits a method. */
  rateLimit(retryAfterSeconds: number, window: FaultWindow = {}): void {
    this.faults.set({ kind: 'ratelimited', retryAfter: retryAfterSeconds }, window);
  }

  failWith(status: number, window: FaultWindow = {}): void {
    this.faults.set({ kind: 'status', status }, window);
  }

  /** HTTP 200 `{ok:false, error}`, e.g. `internal_error` or `fatal_error`. */
  platformError(error: string, window: FaultWindow = {}): void {
    this.faults.set({ kind: 'platform', error }, window);
  }

  stall(window: FaultWindow = {}): void {
    this.faults.set({ kind: 'stall' }, window);
  }

  heal(): void {
    this.faults.clear();
  }

  channel(id: string): SlackMessageRecord[] {
    return this.messages.get(id) ?? [];
  }

  close(): Promise<void> {
    return closeHttpServer(this.server, this.stalled);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').replace(/\?.*$/, '');
      const contentType = req.headers['content-type'];
      const args = parseArgs(Buffer.concat(chunks).toString('utf8'), contentType);
      const record = (answer: SlackCall['answer']) => this.calls.add({ at: new Date(), method, contentType, args, answer });
      const answer = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
        res.end(text);
        record({ status, body });
      };
      if (req.method !== 'POST' || (method !== 'chat.postMessage' && method !== 'chat.update')) return answer(404, { ok: false, error: 'unknown_method' });
      const fault = this.faults.take();
      if (fault?.kind === 'stall') {
        this.stalled.add(res);
        return record('none');
      }
      if (fault?.kind === 'ratelimited') return answer(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': String(fault.retryAfter) });
      if (fault?.kind === 'status') return answer(fault.status, { ok: false, error: 'http_error' });
      if (fault?.kind === 'platform') return answer(200, { ok: false, error: fault.error });
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const token = bearer ?? (typeof args['token'] === 'string' ? args['token'] : undefined);
      if (token === undefined) return answer(200, { ok: false, error: 'not_authed' });
      if (token !== this.options.token) return answer(200, { ok: false, error: 'invalid_auth' });
      const text = typeof args['text'] === 'string' ? args['text'] : undefined;
      const blocks = args['blocks'];
      if (blocks !== undefined && (!Array.isArray(blocks) || blocks.length > 50 || blocks.some((b) => typeof b !== 'object' || b === null || typeof (b as { type?: unknown }).type !== 'string'))) {
        return answer(200, { ok: false, error: 'invalid_blocks' });
      }
      if (!text && !blocks) return answer(200, { ok: false, error: 'no_text' });
      const channelArg = typeof args['channel'] === 'string' ? args['channel'] : '';
      if (method === 'chat.postMessage') {
        const channel = this.resolveForPost(channelArg);
        if (!channel) return answer(200, { ok: false, error: 'channel_not_found' });
        const ts = this.nextTs();
        const message = { channel, ts, text: text ?? '', ...(blocks ? { blocks: blocks as unknown[] } : {}), updates: [] };
        this.messages.set(channel, [...this.channel(channel), message]);
        return answer(200, { ok: true, channel, ts, message: { type: 'message', bot_id: 'B0VIGIL', text: message.text, ts, ...(blocks ? { blocks } : {}) } });
      }
      // chat.update: the id postMessage answered, never a name or a member id.
      if (!this.messages.has(channelArg) && !Object.values(this.options.channels).includes(channelArg)) return answer(200, { ok: false, error: 'channel_not_found' });
      const ts = typeof args['ts'] === 'string' ? args['ts'] : '';
      const message = this.channel(channelArg).find((m) => m.ts === ts);
      if (!message) return answer(200, { ok: false, error: 'message_not_found' });
      message.updates.push({ at: new Date(), text: text ?? '', ...(blocks ? { blocks: blocks as unknown[] } : {}) });
      return answer(200, { ok: true, channel: channelArg, ts, text: text ?? '', message: { type: 'message', bot_id: 'B0VIGIL', text: text ?? '', ...(blocks ? { blocks } : {}) } });
    });
  }

  /** chat.postMessage accepts an id, a name (with or without #), or a member id for a DM. */
  private resolveForPost(arg: string): string | undefined {
    const name = arg.replace(/^#/, '');
    if (this.options.channels[name]) return this.options.channels[name];
    if (Object.values(this.options.channels).includes(arg)) return arg;
    if (this.options.members?.includes(arg)) return `D${arg.slice(1)}`;
    return undefined;
  }

  private nextTs(): string {
    this.seq += 1;
    return `1700000000.${String(this.seq).padStart(6, '0')}`;
  }
}

/** The Web API takes form-encoded arguments (objects as JSON strings) or a JSON body. */
function parseArgs(text: string, contentType: string | undefined): Record<string, unknown> {
  if (/^application\/json\b/i.test(contentType ?? '')) {
    try {
      const parsed: unknown = JSON.parse(text);
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  const args: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if (k === 'blocks' || k === 'attachments' || k === 'metadata') {
      try {
        args[k] = JSON.parse(v);
      } catch {
        args[k] = v;
      }
    } else {
      args[k] = v;
    }
  }
  return args;
}

/**
 * What Slack sends when someone clicks a button in a message: a form body with one field,
 * `payload`, holding the block_actions JSON, signed with the app's signing secret
 * (https://docs.slack.dev/authentication/verifying-requests-from-slack). Computed here
 * independently of src/core, so the test checks core against a second implementation.
 */
export function signedInteraction(signingSecret: string, payload: unknown, timestampSeconds: number): { headers: Record<string, string>; body: string } {
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:${body}`).digest('hex')}`;
  return {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Slack-Request-Timestamp': String(timestampSeconds), 'X-Slack-Signature': signature },
    body,
  };
}

/** A block_actions payload for one button click, shaped like https://docs.slack.dev/reference/interaction-payloads/block_actions-payload */
export function buttonClick(input: { actionId: string; value: string; user: { id: string; username: string; name?: string }; channel: string; messageTs: string; responseUrl?: string }): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: input.user.id, username: input.user.username, name: input.user.name ?? input.user.username, team_id: 'T0VIGIL' },
    api_app_id: 'A0VIGIL',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: input.messageTs, channel_id: input.channel, is_ephemeral: false },
    trigger_id: '1234567890123.1234567890123.abcdef0123456789abcdef0123456789',
    team: { id: 'T0VIGIL', domain: 'vigil-test' },
    channel: { id: input.channel, name: 'incidents' },
    message: { type: 'message', ts: input.messageTs, bot_id: 'B0VIGIL', text: '' },
    response_url: input.responseUrl ?? 'https://hooks.slack.com/actions/T0VIGIL/1/abc',
    actions: [{ type: 'button', action_id: input.actionId, block_id: 'vigil_actions', value: input.value, text: { type: 'plain_text', text: 'Acknowledge', emoji: true }, action_ts: '1700000001.000200' }],
  };
}
