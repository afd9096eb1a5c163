import type { Server as HttpServer, ServerResponse } from 'node:http';
import type { AddressInfo, Server } from 'node:net';

/**
 * Listens on 127.0.0.1 at a port the OS picks (never a fixed one: test files run in parallel), or
 * at `port` when a test takes over the port another server of its own held a moment ago.
 */
export async function listenOnLoopback(server: Server, port = 0): Promise<number> {
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  return (server.address() as AddressInfo).port;
}

/** Stops an HTTP(S) contract server at once, including requests it was told to leave unanswered. */
export async function closeHttpServer(server: HttpServer, stalled: Iterable<ServerResponse>): Promise<void> {
  for (const res of stalled) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((ok) => server.close(() => ok()));
}
