import { parseSlackInteraction, slackSignature, verifySlackRequest } from './slack-request.js';

/**
 * The worked example in Slack's "Verifying requests from Slack"
 * (https://docs.slack.dev/authentication/verifying-requests-from-slack): secret, timestamp, body
 * and the signature Slack says they give.
 */
const DOC_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DOC_TIMESTAMP = '1531420618';
const DOC_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const DOC_SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const AT_DOC_TIME = new Date(Number(DOC_TIMESTAMP) * 1000);

describe("Slack request signature (Slack's documented example)", () => {
  it('computes the documented signature', () => {
    expect(slackSignature(DOC_SECRET, DOC_TIMESTAMP, DOC_BODY)).toBe(DOC_SIGNATURE);
  });

  const verify = (over: Partial<Parameters<typeof verifySlackRequest>[0]>) =>
    verifySlackRequest({ signingSecret: DOC_SECRET, timestamp: DOC_TIMESTAMP, signature: DOC_SIGNATURE, rawBody: DOC_BODY, now: AT_DOC_TIME, ...over });

  it.each([
    ['the documented request at its own time', {}, { ok: true }],
    ['the same request 5 minutes later (the edge)', { now: new Date(AT_DOC_TIME.getTime() + 300_000) }, { ok: true }],
    ['the same request 5 minutes and 1 second later (a replay)', { now: new Date(AT_DOC_TIME.getTime() + 301_000) }, { ok: false, reason: 'stale timestamp' }],
    ['a timestamp 6 minutes in the future', { now: new Date(AT_DOC_TIME.getTime() - 360_000) }, { ok: false, reason: 'stale timestamp' }],
    ['a body changed by one byte', { rawBody: DOC_BODY.replace('foobar', 'foobaz') }, { ok: false, reason: 'bad signature' }],
    ['another signing secret', { signingSecret: `${DOC_SECRET}x` }, { ok: false, reason: 'bad signature' }],
    ['a signature in upper-case hex', { signature: `v0=${DOC_SIGNATURE.slice(3).toUpperCase()}` }, { ok: false, reason: 'bad signature' }],
    ['no signature header', { signature: undefined }, { ok: false, reason: 'missing headers' }],
    ['no timestamp header', { timestamp: undefined }, { ok: false, reason: 'missing headers' }],
    ['a timestamp that is not a number', { timestamp: '1531420618.5' }, { ok: false, reason: 'missing headers' }],
    ['no signing secret configured', { signingSecret: '' }, { ok: false, reason: 'missing headers' }],
  ])('%s', (_case, over, expected) => {
    expect(verify(over)).toEqual(expected);
  });

  it('verifies the same bytes given as a Buffer', () => {
    expect(verify({ rawBody: Buffer.from(DOC_BODY) })).toEqual({ ok: true });
  });
});

describe('parseSlackInteraction', () => {
  const click = (actionId: string, extra: Record<string, unknown> = {}) =>
    `payload=${encodeURIComponent(
      JSON.stringify({
        type: 'block_actions',
        user: { id: 'U0ALICE', username: 'alice', name: 'alice', team_id: 'T0' },
        container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0INCIDENTS' },
        channel: { id: 'C0INCIDENTS', name: 'incidents' },
        response_url: 'https://hooks.slack.com/actions/T0/1/abc',
        actions: [{ type: 'button', action_id: actionId, block_id: 'vigil_actions', value: 'inc-7', action_ts: '1700000001.000200' }],
        ...extra,
      }),
    )}`;

  it.each([
    ['vigil_ack', 'ack'],
    ['vigil_resolve', 'resolve'],
  ])('reads a click on %s', (actionId, action) => {
    expect(parseSlackInteraction(click(actionId))).toEqual({
      kind: 'action',
      action,
      incidentId: 'inc-7',
      user: { id: 'U0ALICE', name: 'alice' },
      responseUrl: 'https://hooks.slack.com/actions/T0/1/abc',
      channel: 'C0INCIDENTS',
      messageTs: '1700000000.000100',
    });
  });

  it('falls back on username, then the id, for the name', () => {
    expect(parseSlackInteraction(click('vigil_ack', { user: { id: 'U0BOB', username: 'bob' } }))).toMatchObject({ user: { id: 'U0BOB', name: 'bob' } });
    expect(parseSlackInteraction(click('vigil_ack', { user: { id: 'U0CAROL' } }))).toMatchObject({ user: { id: 'U0CAROL', name: 'U0CAROL' } });
  });

  it.each([
    ['a click on another app button', click('other_button'), { kind: 'ignore', reason: 'no vigil action in the payload' }],
    ['a modal submission', `payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission' }))}`, { kind: 'ignore', reason: 'interaction type view_submission' }],
    ['a form without payload', 'token=x&text=y', { kind: 'invalid', error: 'no "payload" form field' }],
    ['a payload that is not JSON', 'payload=%7Bnot', { kind: 'invalid', error: '"payload" is not JSON' }],
    ['our button without a value', click('vigil_ack', { actions: [{ action_id: 'vigil_ack' }] }), { kind: 'invalid', error: 'vigil action without an incident id' }],
    ['a click without a user', click('vigil_ack', { user: {} }), { kind: 'invalid', error: 'payload has no user id' }],
  ])('answers %s', (_case, body, expected) => {
    expect(parseSlackInteraction(body)).toEqual(expected);
  });
});
