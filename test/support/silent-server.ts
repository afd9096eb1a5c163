import { createServer, type Server, type Socket } from 'node:net';
import { listenOnLoopback } from './loopback.js';

/**
 * A TCP server on 127.0.0.1 that accepts connections and never writes a byte: no HTTP answer,
 * no SMTP greeting. What ends an attempt against it is the client's own timeout.
 */
export class SilentServer {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(): Promise<SilentServer> {
    const server = createServer();
    return new SilentServer(server, await listenOnLoopback(server));
  }

  /** How many connections were accepted so far. */
  get connections(): number {
    return this.sockets.size;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((ok) => this.server.close(() => ok()));
  }
}
