import { SMTPServer, type SMTPServerAuthentication, type SMTPServerSession } from 'smtp-server';
import { listenOnLoopback } from './loopback.js';
import { Faults, Recorder, type FaultWindow } from './recorder.js';

/**
 * A real SMTP server (smtp-server) on 127.0.0.1 that keeps what it receives. Replies can be
 * forced (451 try later, 550 no such user) at the RCPT or DATA stage, for a number of messages
 * or for a while.
 */

export interface ReceivedMail {
  readonly at: Date;
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
  readonly user?: string;
  readonly raw: string;
  /** Lower-cased header name → unfolded value (the first of repeated headers). */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

export interface SmtpSinkOptions {
  /** Require AUTH PLAIN/LOGIN with these credentials (over plain TCP: it is loopback). */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** TLS material to offer STARTTLS with; without it STARTTLS is not offered at all. */
  readonly tls?: { readonly certPem: string; readonly keyPem: string };
}

interface ReplyFault {
  readonly stage: 'rcpt' | 'data';
  readonly code: number;
  readonly message: string;
}

export class SmtpSink {
  readonly received = new Recorder<ReceivedMail>();
  private readonly faults = new Faults<ReplyFault>();

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  readonly host = '127.0.0.1';

  static async start(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
    let sink: SmtpSink | undefined;
    const server = new SMTPServer({
      logger: false,
      // smtp-server offers STARTTLS with a built-in self-signed certificate by default; a client
      // that verifies (ours does) would then fail. Offer it only with the test CA's certificate.
      ...(options.tls ? { key: options.tls.keyPem, cert: options.tls.certPem } : { disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'] }),
      authOptional: !options.auth,
      allowInsecureAuth: true,
      onAuth(auth: SMTPServerAuthentication, _session: SMTPServerSession, callback: (err: Error | null | undefined, response?: { user?: unknown }) => void) {
        if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) return callback(null, { user: auth.username });
        callback(replyError(535, 'Authentication credentials invalid'));
      },
      onRcptTo(_address, _session, callback) {
        const fault = sink?.takeFault('rcpt');
        callback(fault ? replyError(fault.code, fault.message) : undefined);
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const fault = sink?.takeFault('data');
          if (fault) return callback(replyError(fault.code, fault.message));
          const raw = Buffer.concat(chunks).toString('utf8');
          const { headers, body } = splitMessage(raw);
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          sink?.received.add({
            at: new Date(),
            envelope: { from, to: session.envelope.rcptTo.map((r) => r.address) },
            ...(typeof session.user === 'string' ? { user: session.user } : {}),
            raw,
            headers,
            body,
          });
          callback(null);
        });
      },
    });
    // A client killed mid-session (the kill -9 scenarios) resets its connection; smtp-server
    // re-emits that as an 'error' on the server, which unheard would end the whole test file.
    server.on('error', () => undefined);
    sink = new SmtpSink(server, await listenOnLoopback(server.server));
    return sink;
  }

  /** Answer `code` at RCPT or DATA instead of accepting, e.g. `replyWith('data', 451, 'Try again later', { times: 1 })`. */
  replyWith(stage: 'rcpt' | 'data', code: number, message: string, window: FaultWindow = {}): void {
    this.faults.set({ stage, code, message }, window);
  }

  heal(): void {
    this.faults.clear();
  }

  close(): Promise<void> {
    return new Promise((ok) => this.server.close(() => ok()));
  }

  private takeFault(stage: 'rcpt' | 'data'): ReplyFault | undefined {
    return this.faults.take((f) => f.stage === stage);
  }
}

function replyError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** Header block and body of an RFC 5322 message; folded header lines are joined (§2.2.3). */
export function splitMessage(raw: string): { headers: Map<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const head = end < 0 ? raw : raw.slice(0, end);
  const body = end < 0 ? '' : raw.slice(end + 4);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

/**
 * The body of a single-part message as its sender wrote it: quoted-printable soft line breaks
 * (RFC 2045 §6.7) land wherever the line length says, so matching the raw body is luck.
 */
export function decodedBody(mail: Pick<ReceivedMail, 'headers' | 'body'>): string {
  const encoding = (mail.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(mail.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding !== 'quoted-printable') return mail.body;
  const bytes = mail.body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}
