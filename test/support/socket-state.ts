import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { missingToolError, type Tool } from './tool-run.js';

const run = promisify(execFile);
/** iproute2's socket statistics: the kernel's own view of a connection, tcp_info counters included. */
const SS: Tool = { name: 'ss', bin: 'ss', debianPackage: 'iproute2' };

/** One established TCP connection as `ss -tnpi` reports it. */
export interface TcpConnection {
  readonly local: string;
  readonly peer: string;
  /** Bytes received and not yet read by the owning process. */
  readonly recvQ: number;
  /** Bytes written and not yet acknowledged by the peer. */
  readonly sendQ: number;
  readonly pids: readonly number[];
  /** Payload bytes the peer acknowledged (tcp_info; the SYN counts 1, so data means > 1). */
  readonly bytesAcked: number;
  /** Payload bytes that arrived from the peer (tcp_info). */
  readonly bytesReceived: number;
}

/** Every established TCP connection to or from `port` on this host, both ends. */
export async function connectionsOf(port: number): Promise<TcpConnection[]> {
  const { stdout } = await run(SS.bin, ['-tnpiH', 'state', 'established', `( sport = :${port} or dport = :${port} )`]).catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'ENOENT' ? missingToolError(SS) : e;
  });
  // Each socket is a line of queues, addresses and owners, then an indented line of tcp_info.
  const lines = stdout.split('\n');
  const found: TcpConnection[] = [];
  for (let n = 0; n < lines.length; n++) {
    const head = lines[n]!.trim().split(/\s+/);
    if (head.length < 4 || !/^\d+$/.test(head[0]!)) continue;
    const info = lines[n + 1] ?? '';
    const counter = (name: string) => Number(new RegExp(`\\b${name}:(\\d+)`).exec(info)?.[1] ?? 0);
    found.push({
      recvQ: Number(head[0]),
      sendQ: Number(head[1]),
      local: head[2]!,
      peer: head[3]!,
      pids: [...(head.slice(4).join(' ').matchAll(/pid=(\d+)/g))].map((m) => Number(m[1])),
      bytesAcked: counter('bytes_acked'),
      bytesReceived: counter('bytes_received'),
    });
  }
  return found;
}

/**
 * Whether process `clientPid` has a request sitting with the server on `port`: a connection of
 * its own on which the server's kernel acknowledged everything it wrote, and whose server end
 * has data the server process already read off the socket. The server has the request; what it
 * does with it is up to the server.
 */
export async function requestTaken(clientPid: number, port: number): Promise<boolean> {
  const all = await connectionsOf(port);
  return all.some(
    (c) =>
      c.pids.includes(clientPid) &&
      c.peer.endsWith(`:${port}`) &&
      c.sendQ === 0 &&
      c.bytesAcked > 1 &&
      all.some((s) => s.local === c.peer && s.peer === c.local && s.recvQ === 0 && s.bytesReceived > 0),
  );
}
