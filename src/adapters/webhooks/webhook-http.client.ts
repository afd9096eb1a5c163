import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { AttemptResult } from '../../core/webhooks/delivery-policy.js';
import { WebhookSender, type HttpAttempt } from '../../core/ports/webhook-sender.js';
import { checkResolvedAddress, checkWebhookUrl, EMPTY_ALLOW_LIST, isNamedInAllowList, type AllowList } from '../../core/webhooks/target-policy.js';
import { describeRequestError, requestTimeoutError } from '../http/http-error.js';

/** Resolves a name to every address it has, as dns.lookup with `all: true` does. */
export type ResolveAll = (hostname: string, options: LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/**
 * How much of an answer's body is read before the connection is dropped. Nothing in it is used;
 * reading a little lets a receiver that writes a short body finish cleanly, and the cap keeps a
 * receiver that streams forever from holding the attempt open.
 */
const MAX_DRAINED_BYTES = 16 * 1024;

/**
 * Sends one webhook request and reports what happened; deciding what that means (retry, give up)
 * is core's. Never throws. Redirects are not followed: a signed body is meant for the URL the
 * operator registered, and a 3xx then shows up in the delivery log instead.
 *
 * The target policy (src/core/webhooks/target-policy.ts) is applied on every attempt, not only at
 * registration: to the URL (a row stored before the policy existed is still checked), and to every
 * address the host name resolves to, inside the connection's own DNS lookup. Checking in the
 * lookup that the socket then connects with leaves no gap for the name to resolve differently
 * between a check and the connect (DNS rebinding).
 */
export class WebhookHttpClient extends WebhookSender {
  constructor(
    private readonly allow: AllowList = EMPTY_ALLOW_LIST,
    /** Tests replace DNS to make a name resolve to a chosen address. */
    private readonly resolveAll: ResolveAll = dnsLookup,
  ) {
    super();
  }

  async post(url: string, body: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<HttpAttempt> {
    const startedAt = new Date();
    const t0 = performance.now();
    const result = await this.attempt(url, body, headers, timeoutMs);
    return { startedAt, durationMs: Math.round(performance.now() - t0), result };
  }

  /**
   * Why `url` may not be registered, or undefined. Checks the URL itself, then where its name
   * resolves now; a name that does not resolve (yet) is let through: every attempt checks again.
   */
  async refusal(url: string): Promise<string | undefined> {
    const checked = checkWebhookUrl(url, this.allow);
    if (!checked.ok) return checked.reason;
    const host = checked.url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) || isNamedInAllowList(checked.url.hostname, this.allow)) return undefined;
    const addresses = await new Promise<LookupAddress[]>((ok) => this.resolveAll(host, { all: true }, (err, found) => ok(err ? [] : found)));
    const refusals = addresses.map((a) => checkResolvedAddress(a.address, this.allow));
    return refusals.length > 0 && refusals.every((r) => r !== undefined) ? `${host} resolves to ${refusals[0]}` : undefined;
  }

  private attempt(url: string, body: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<AttemptResult> {
    const checked = checkWebhookUrl(url, this.allow);
    if (!checked.ok) return Promise.resolve({ error: checked.reason });
    const target = checked.url;
    return new Promise<AttemptResult>((resolve) => {
      let status: number | undefined;
      let done = false;
      let req: ClientRequest | undefined;
      // Once an answer's status is in, it is the result, whatever happens to the rest of the body.
      const finish = (err?: unknown) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(status !== undefined ? { httpStatus: status } : { error: describeRequestError(err, timeoutMs) });
        req?.destroy();
      };
      // One deadline for the whole attempt: lookup, connect, TLS, request and answer.
      const timer = setTimeout(() => finish(requestTimeoutError(timeoutMs)), timeoutMs);
      const options: RequestOptions = {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        lookup: this.guardedLookup(isNamedInAllowList(target.hostname, this.allow)),
        // A fresh connection per attempt: a pooled socket would skip the lookup and its check.
        agent: false,
      };
      try {
        req = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, options, (res: IncomingMessage) => {
          status = res.statusCode ?? 0;
          let drained = 0;
          res.on('data', (chunk: Buffer) => {
            drained += chunk.length;
            if (drained > MAX_DRAINED_BYTES) finish();
          });
          res.on('error', () => finish());
          res.on('close', () => finish());
        });
        req.on('error', (err) => finish(err));
        req.end(body);
      } catch (err) {
        // Synchronous refusals, e.g. a header value with a newline in it.
        finish(err);
      }
    });
  }

  /**
   * The DNS lookup for one request. A name the allow-list names is trusted whatever it resolves
   * to; otherwise each address goes through checkResolvedAddress, and only the allowed ones are
   * handed to the socket. Literal IP hosts never reach here (Node connects to them directly);
   * checkWebhookUrl has checked those.
   */
  private guardedLookup(trustName: boolean): LookupFunction {
    return (hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
      this.resolveAll(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) return callback(err, '');
        const refusals = trustName ? [] : addresses.map((a) => checkResolvedAddress(a.address, this.allow));
        const usable = addresses.filter((_, i) => refusals[i] === undefined);
        const first = usable[0];
        if (!first) {
          // The policy's sentence is what the delivery log shows: it says what is wrong and how to allow it.
          return callback(new Error(refusals.find((r) => r !== undefined) ?? `${hostname} resolved to no address`), '');
        }
        // Node asks for all addresses when it tries them in turn (autoSelectFamily), else for one.
        if (options.all) callback(null, usable);
        else callback(null, first.address, first.family);
      });
    };
  }
}
