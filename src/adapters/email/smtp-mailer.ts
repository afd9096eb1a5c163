import { rootCertificates } from 'node:tls';
import { createTransport, type Transporter } from 'nodemailer';
import { MailSender, type Mail, type SinkAttempt, type SmtpSettings } from '../../core/ports/notification-sinks.js';
import { describeRequestError, requestTimeoutError } from '../http/http-error.js';

export interface SmtpMailerOptions {
  /** Extra trusted CA (PEM) for the relay's certificate (tests, an internal CA); verification stays on. */
  readonly ca?: string;
}

/** The shape nodemailer gives its errors: an SMTP reply code when the server answered. */
interface SmtpError {
  readonly code?: unknown;
  readonly responseCode?: unknown;
  readonly response?: unknown;
  readonly message?: unknown;
}

/**
 * E-mail pages over SMTP with nodemailer: one attempt per call, no retry of its own. A reply in
 * the 4xx range (greylisting, mailbox busy, 451 local error) is the server asking for a later
 * try; 5xx (550 no such user, 535 bad credentials) will not change; no answer or a dropped
 * connection is retryable.
 *
 * One transport per settings and timeout, kept for the process: nodemailer validates options
 * and resolves defaults once there. Each send still opens its own SMTP session (no pool), so a
 * relay that restarts costs nothing but the next connect.
 */
export class SmtpMailer extends MailSender {
  private readonly transports = new Map<string, Transporter>();

  constructor(private readonly options: SmtpMailerOptions = {}) {
    super();
  }

  async send(smtp: SmtpSettings, mail: Mail, timeoutMs: number): Promise<SinkAttempt> {
    const transport = this.transport(smtp, timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    // nodemailer's timeouts are per phase (connect, greeting, each reply); this caps the whole session.
    const deadline = new Promise<SinkAttempt>((resolve) => {
      timer = setTimeout(() => resolve({ outcome: 'retryable', error: describeRequestError(requestTimeoutError(timeoutMs), timeoutMs) }), timeoutMs);
    });
    const sending = transport
      .sendMail({
        from: mail.from,
        to: [...mail.to],
        subject: mail.subject,
        text: mail.text,
        ...(mail.messageId ? { messageId: mail.messageId } : {}),
        // References carries the thread root as well, for clients that ignore In-Reply-To (RFC 5322 §3.6.4).
        ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo, references: [mail.inReplyTo] } : {}),
      })
      .then(
        (info: { messageId?: unknown }): SinkAttempt => ({ outcome: 'delivered', ...(typeof info.messageId === 'string' ? { ref: info.messageId } : {}) }),
        (err: unknown) => failure(err, timeoutMs),
      );
    try {
      return await Promise.race([sending, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes every cached transport (shutdown, tests). */
  close(): void {
    for (const t of this.transports.values()) t.close();
    this.transports.clear();
  }

  private transport(smtp: SmtpSettings, timeoutMs: number): Transporter {
    // The password is part of the key so a rotated secret gets a new transport; the key never leaves memory.
    const key = JSON.stringify([smtp.host, smtp.port, smtp.secure, smtp.requireTls, smtp.username ?? null, smtp.password ?? null, timeoutMs]);
    let transport = this.transports.get(key);
    if (!transport) {
      transport = createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure,
        requireTLS: smtp.requireTls,
        ...(smtp.username !== undefined ? { auth: { user: smtp.username, pass: smtp.password ?? '' } } : {}),
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
        dnsTimeout: timeoutMs,
        // `ca` alone would replace Node's bundled roots and break every public relay.
        ...(this.options.ca ? { tls: { ca: [...rootCertificates, this.options.ca] } } : {}),
      });
      this.transports.set(key, transport);
    }
    return transport;
  }
}

function failure(err: unknown, timeoutMs: number): SinkAttempt {
  const e: SmtpError = typeof err === 'object' && err !== null ? err : {};
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const text = typeof e.response === 'string' ? e.response : describeRequestError(err, timeoutMs);
  if (reply !== undefined && reply >= 500 && reply < 600) return { outcome: 'permanent', error: `SMTP ${text}` };
  if (reply !== undefined && reply >= 400 && reply < 500) return { outcome: 'retryable', error: `SMTP ${text}` };
  // Refusals before anything is sent (no recipients, a malformed address) will not pass later either.
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return { outcome: 'permanent', error: describeRequestError(err, timeoutMs) };
  return { outcome: 'retryable', error: describeRequestError(err, timeoutMs) };
}
