import { SmtpMailer } from '../../src/adapters/email/smtp-mailer.js';
import type { Mail, SmtpSettings } from '../../src/core/ports/notification-sinks.js';
import { SilentServer } from '../support/silent-server.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { makeTestCertificates } from '../support/test-ca.js';

const trigger: Mail = {
  from: 'Vigil <vigil@example.com>',
  to: ['oncall@example.com'],
  subject: '[TRIGGERED] checkout: error budget burning',
  text: 'Incident inc-1 triggered.',
  messageId: '<incident-inc-1@vigil>',
};

describe('SmtpMailer against a real SMTP server (smtp-server)', () => {
  let sink: SmtpSink;
  let settings: SmtpSettings;
  const mailer = new SmtpMailer();

  beforeAll(async () => {
    sink = await SmtpSink.start({ auth: { user: 'vigil', pass: 's3cret' } });
    settings = { host: sink.host, port: sink.port, secure: false, requireTls: false, username: 'vigil', password: 's3cret' };
  });
  afterEach(() => sink.heal());
  afterAll(async () => {
    mailer.close();
    await sink.close();
  });

  it('delivers with AUTH; the trigger carries its Message-ID, later mails In-Reply-To and References it', async () => {
    expect(await mailer.send(settings, trigger, 5_000)).toEqual({ outcome: 'delivered', ref: '<incident-inc-1@vigil>' });
    const ack: Mail = { ...trigger, subject: '[ACKNOWLEDGED] checkout: error budget burning', text: 'Acknowledged by alice.', messageId: undefined, inReplyTo: '<incident-inc-1@vigil>' } as Mail;
    expect((await mailer.send(settings, ack, 5_000)).outcome).toBe('delivered');

    const [first, second] = await sink.received.waitFor(2);
    expect(first?.user).toBe('vigil');
    expect(first?.envelope).toEqual({ from: 'vigil@example.com', to: ['oncall@example.com'] });
    expect(first?.headers.get('message-id')).toBe('<incident-inc-1@vigil>');
    expect(first?.headers.get('subject')).toBe('[TRIGGERED] checkout: error budget burning');
    expect(first?.body.trim()).toBe('Incident inc-1 triggered.');
    expect(second?.headers.get('in-reply-to')).toBe('<incident-inc-1@vigil>');
    expect(second?.headers.get('references')).toBe('<incident-inc-1@vigil>');
    expect(second?.headers.get('message-id')).not.toBe('<incident-inc-1@vigil>');
  });

  it.each([
    ['451 at DATA', 'data' as const, 451, 'retryable'],
    ['550 at RCPT', 'rcpt' as const, 550, 'permanent'],
    ['452 at RCPT', 'rcpt' as const, 452, 'retryable'],
    ['554 at DATA', 'data' as const, 554, 'permanent'],
  ])('maps a %s reply', async (_case, stage, code, outcome) => {
    sink.replyWith(stage, code, 'forced by test', { times: 1 });
    const attempt = await mailer.send(settings, trigger, 5_000);
    expect(attempt.outcome).toBe(outcome);
    expect(attempt.outcome !== 'delivered' && attempt.error).toContain(String(code));
  });

  it('reports wrong credentials (535) as permanent', async () => {
    const attempt = await mailer.send({ ...settings, password: 'wrong' }, trigger, 5_000);
    expect(attempt.outcome).toBe('permanent');
    expect(attempt.outcome === 'permanent' && attempt.error).toContain('535');
  });

  it('reports a refused connection as retryable', async () => {
    const attempt = await mailer.send({ ...settings, port: 1 }, trigger, 2_000);
    expect(attempt.outcome).toBe('retryable');
  });

  it('gives up on a server that never greets at its timeout, as retryable', async () => {
    const silent = await SilentServer.start();
    try {
      const t0 = performance.now();
      const attempt = await mailer.send({ host: '127.0.0.1', port: silent.port, secure: false, requireTls: false }, trigger, 400);
      expect(attempt.outcome).toBe('retryable');
      expect(performance.now() - t0).toBeGreaterThanOrEqual(390);
    } finally {
      await silent.close();
    }
  });
});

describe('SmtpMailer with STARTTLS required', () => {
  it('upgrades and verifies the relay against the given CA', async () => {
    const certs = await makeTestCertificates();
    const sink = await SmtpSink.start({ tls: certs });
    const mailer = new SmtpMailer({ ca: certs.caPem });
    try {
      const settings: SmtpSettings = { host: sink.host, port: sink.port, secure: false, requireTls: true };
      expect((await mailer.send(settings, trigger, 5_000)).outcome).toBe('delivered');
      await sink.received.waitFor(1);
      // Without the CA the same relay is not trusted: no mail goes out over an unverified channel.
      const untrusting = new SmtpMailer();
      try {
        expect((await untrusting.send(settings, trigger, 5_000)).outcome).toBe('retryable');
      } finally {
        untrusting.close();
      }
      expect(sink.received.entries).toHaveLength(1);
    } finally {
      mailer.close();
      await sink.close();
    }
  });
});
