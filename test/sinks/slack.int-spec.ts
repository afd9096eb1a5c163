import { SlackClient } from '../../src/adapters/slack/slack.client.js';
import { SlackContractServer } from '../support/slack-contract-server.js';
import { SilentServer } from '../support/silent-server.js';

const TOKEN = 'xoxb-test-token';

describe('SlackClient against the Web API contract server', () => {
  let slack: SlackContractServer;
  const client = new SlackClient();

  beforeAll(async () => {
    slack = await SlackContractServer.start({ token: TOKEN, channels: { incidents: 'C0INCIDENTS' }, members: ['U0ALICE'] });
  });
  afterEach(() => slack.heal());
  afterAll(() => slack.close());

  const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*TRIGGERED* checkout' } }];

  it('posts a message and then updates that same message in place', async () => {
    const posted = await client.post(slack.apiUrl, TOKEN, { channel: '#incidents', text: 'TRIGGERED checkout', blocks }, 5_000);
    expect(posted).toMatchObject({ outcome: 'delivered', channel: 'C0INCIDENTS' });
    const ts = posted.outcome === 'delivered' ? posted.ref : undefined;
    expect(ts).toMatch(/^\d+\.\d{6}$/);

    const updated = await client.update(slack.apiUrl, TOKEN, ts!, { channel: 'C0INCIDENTS', text: 'ACKNOWLEDGED checkout', blocks }, 5_000);
    expect(updated).toMatchObject({ outcome: 'delivered', ref: ts, channel: 'C0INCIDENTS' });

    const [message] = slack.channel('C0INCIDENTS');
    expect(message?.text).toBe('TRIGGERED checkout');
    expect(message?.blocks).toEqual(blocks);
    expect(message?.updates.map((u) => u.text)).toEqual(['ACKNOWLEDGED checkout']);
  });

  it('answers the DM channel id for a message to a member, which is what chat.update needs', async () => {
    const posted = await client.post(slack.apiUrl, TOKEN, { channel: 'U0ALICE', text: 'page' }, 5_000);
    expect(posted).toMatchObject({ outcome: 'delivered', channel: 'D0ALICE' });
    const byMember = await client.update(slack.apiUrl, TOKEN, posted.outcome === 'delivered' ? posted.ref! : '', { channel: 'U0ALICE', text: 'acked' }, 5_000);
    expect(byMember).toEqual({ outcome: 'permanent', error: 'slack: channel_not_found', httpStatus: 200 });
  });

  it.each([
    ['a wrong token', 'xoxb-wrong', '#incidents', 'slack: invalid_auth'],
    ['an unknown channel', TOKEN, '#nowhere', 'slack: channel_not_found'],
  ])('reports %s as permanent', async (_case, token, channel, error) => {
    expect(await client.post(slack.apiUrl, token, { channel, text: 'x' }, 5_000)).toEqual({ outcome: 'permanent', error, httpStatus: 200 });
  });

  it('reports an update of a message that does not exist as permanent', async () => {
    expect(await client.update(slack.apiUrl, TOKEN, '1.000000', { channel: 'C0INCIDENTS', text: 'x' }, 5_000)).toEqual({ outcome: 'permanent', error: 'slack: message_not_found', httpStatus: 200 });
  });

  it('reports rate limiting (HTTP 429) as retryable after Retry-After, without waiting for it itself', async () => {
    slack.rateLimit(42, { times: 1 });
    const t0 = performance.now();
    const attempt = await client.post(slack.apiUrl, TOKEN, { channel: '#incidents', text: 'x' }, 5_000);
    expect(attempt).toMatchObject({ outcome: 'retryable', httpStatus: 429, retryAfterSeconds: 42 });
    expect(performance.now() - t0).toBeLessThan(42_000);
    expect(slack.calls.entries.filter((c) => c.answer !== 'none' && c.answer.status === 429)).toHaveLength(1);
  });

  it.each([
    ['HTTP 500', (s: SlackContractServer) => s.failWith(500, { times: 1 }), { outcome: 'retryable', httpStatus: 500 }],
    ['HTTP 503', (s: SlackContractServer) => s.failWith(503, { times: 1 }), { outcome: 'retryable', httpStatus: 503 }],
    ['ok:false internal_error', (s: SlackContractServer) => s.platformError('internal_error', { times: 1 }), { outcome: 'retryable', error: 'slack: internal_error' }],
    ['ok:false fatal_error', (s: SlackContractServer) => s.platformError('fatal_error', { times: 1 }), { outcome: 'retryable', error: 'slack: fatal_error' }],
    ['ok:false msg_too_long', (s: SlackContractServer) => s.platformError('msg_too_long', { times: 1 }), { outcome: 'permanent', error: 'slack: msg_too_long' }],
  ])('maps %s', async (_case, inject, expected) => {
    inject(slack);
    expect(await client.post(slack.apiUrl, TOKEN, { channel: '#incidents', text: 'x' }, 5_000)).toMatchObject(expected);
    // One request: the client made no retry of its own.
    expect(slack.calls.entries.at(-1)?.method).toBe('chat.postMessage');
  });

  it('gives up on a server that never answers at its timeout, as retryable, after one request', async () => {
    const silent = await SilentServer.start();
    try {
      const t0 = performance.now();
      const attempt = await client.post(`http://127.0.0.1:${silent.port}/api/`, TOKEN, { channel: '#incidents', text: 'x' }, 400);
      expect(attempt.outcome).toBe('retryable');
      expect(attempt.outcome === 'retryable' && attempt.error).toBe('no answer within 400 ms');
      expect(performance.now() - t0).toBeGreaterThanOrEqual(390);
    } finally {
      await silent.close();
    }
  });

  it('sends one request per call even when the server stalls it', async () => {
    const before = slack.calls.entries.length;
    slack.stall({ times: 1 });
    const attempt = await client.post(slack.apiUrl, TOKEN, { channel: '#incidents', text: 'x' }, 300);
    expect(attempt.outcome).toBe('retryable');
    expect(slack.calls.entries.length - before).toBe(1);
  });
});
