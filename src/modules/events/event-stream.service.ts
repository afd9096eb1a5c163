import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Gauge } from 'prom-client';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import { IncidentChanges, type IncidentChangeEvent } from '../../core/ports/incident-changes.js';
import { RequestAuthenticator } from '../auth/request-authenticator.js';
import { MetricsService } from '../metrics/metrics.service.js';

/** A client that reads this much less than it is sent is dropped; its browser reconnects and reads afresh. */
const MAX_BUFFERED_BYTES = 64 * 1024;

interface Stream {
  readonly end: (last?: string) => void;
}

/**
 * GET /api/events: server-sent events over one long response. `ready` when the replica's change
 * feed listens (at once, and again after it reconnected: read afresh then), `incident` {id} for
 * every committed change of an incident made by any replica, `signed-out` before the stream ends
 * because its session or token no longer holds. A comment line every heartbeat keeps proxies and
 * load balancers from closing an idle stream; the credential is checked again at each heartbeat,
 * so a revoked token or an ended session stops its streams within one.
 */
@Injectable()
export class EventStreamService implements BeforeApplicationShutdown {
  private readonly log = new Logger('Events');
  private readonly streams = new Set<Stream>();

  constructor(
    private readonly feed: IncidentChanges,
    private readonly authenticator: RequestAuthenticator,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    metrics: MetricsService,
  ) {
    const streams = this.streams;
    new Gauge({
      name: 'vigil_event_streams',
      help: 'Server-sent event streams (GET /api/events) open on this replica',
      registers: [metrics.registry],
      collect() {
        this.set(streams.size);
      },
    });
  }

  open(req: FastifyRequest, reply: FastifyReply): void {
    // The stream is written to the Node response itself: Fastify lets go of it.
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no', connection: 'keep-alive' });
    res.flushHeaders();
    req.raw.socket.setNoDelay(true);
    let ended = false;
    let unsubscribe = () => {};
    let heartbeat: NodeJS.Timeout | undefined;
    const stream: Stream = {
      end: (last) => {
        if (ended) return;
        if (last) res.write(last);
        ended = true;
        clearInterval(heartbeat);
        unsubscribe();
        this.streams.delete(stream);
        res.end();
      },
    };
    const write = (text: string) => {
      if (ended) return;
      res.write(text);
      if (res.writableLength > MAX_BUFFERED_BYTES) stream.end();
    };
    this.streams.add(stream);
    // The response's close, not the request's: a request "closes" once its (empty) body is read.
    res.on('close', () => stream.end());
    // The browser's EventSource waits this long before reconnecting after the stream ends.
    write('retry: 3000\n\n');
    unsubscribe = this.feed.subscribe((e) => write(e.kind === 'incident' ? `event: incident\ndata: ${JSON.stringify({ id: e.id })}\n\n` : 'event: ready\ndata: {}\n\n'));
    heartbeat = setInterval(() => void this.beat(req, write, stream.end), this.config.eventsHeartbeatSeconds * 1000);
  }

  private async beat(req: FastifyRequest, write: (text: string) => void, end: (last?: string) => void): Promise<void> {
    write(': heartbeat\n\n');
    const who = await this.authenticator.authenticate(req).catch(() => null);
    // A database that does not answer is not a sign-out: the stream stays, the next beat asks again.
    if (who && !who.ok) end(`event: signed-out\ndata: ${JSON.stringify({ reason: who.reason })}\n\n`);
  }

  /** Before the HTTP server closes, which would otherwise wait for every open stream to end. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.streams.size > 0) this.log.log(`closing ${this.streams.size} event stream(s)`);
    for (const s of [...this.streams]) s.end();
    await this.feed.close();
  }
}
