import { createHmac, timingSafeEqual } from 'node:crypto';
import { field, nonEmptyString } from './untrusted-json.js';
import { SLACK_ACK_ACTION, SLACK_RESOLVE_ACTION } from './page-messages.js';

/**
 * Button clicks coming back from Slack. Pure: HMAC, JSON and a `now` passed in.
 *
 * Signature (https://docs.slack.dev/authentication/verifying-requests-from-slack): Slack sends
 * `X-Slack-Request-Timestamp` (Unix seconds) and `X-Slack-Signature: v0=<hex HMAC-SHA256>` of
 * `v0:<timestamp>:<raw body>` keyed with the app's signing secret. A timestamp more than five
 * minutes from now is refused, so a captured request cannot be replayed later.
 *
 * Payload (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload): a form
 * body whose `payload` field is JSON with `type: "block_actions"`, `user`, `actions[]` (each with
 * `action_id` and `value`), `response_url`, `container`/`channel`.
 */

export const SLACK_SIGNATURE_HEADER = 'X-Slack-Signature';
export const SLACK_TIMESTAMP_HEADER = 'X-Slack-Request-Timestamp';
export const SLACK_MAX_SKEW_SECONDS = 5 * 60;

export function slackSignature(signingSecret: string, timestamp: string, rawBody: string | Uint8Array): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`;
}

export type SlackVerification = { readonly ok: true } | { readonly ok: false; readonly reason: 'missing headers' | 'stale timestamp' | 'bad signature' };

export function verifySlackRequest(input: {
  readonly signingSecret: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly rawBody: string | Uint8Array;
  readonly now: Date;
}): SlackVerification {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !input.signingSecret || !/^\d+$/.test(timestamp)) return { ok: false, reason: 'missing headers' };
  if (Math.abs(input.now.getTime() / 1000 - Number(timestamp)) > SLACK_MAX_SKEW_SECONDS) return { ok: false, reason: 'stale timestamp' };
  const expected = Buffer.from(slackSignature(input.signingSecret, timestamp, input.rawBody));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? { ok: true } : { ok: false, reason: 'bad signature' };
}

export interface SlackIncidentAction {
  readonly kind: 'action';
  readonly action: 'ack' | 'resolve';
  readonly incidentId: string;
  /** `user.id` (U…) and a name to show: `user.name`, else `user.username`, else the id. */
  readonly user: { readonly id: string; readonly name: string };
  /** Where a reply to the click can be posted (valid for 30 minutes, five uses). */
  readonly responseUrl?: string;
  /** The message the button sits in, for updating it in place. */
  readonly channel?: string;
  readonly messageTs?: string;
}

export type SlackInteractionParse =
  | SlackIncidentAction
  /** Well-formed, but not a click on one of our buttons: answer 200 and do nothing. */
  | { readonly kind: 'ignore'; readonly reason: string }
  /** Not an interaction payload at all: answer 400. */
  | { readonly kind: 'invalid'; readonly error: string };

const ACTIONS: Readonly<Record<string, 'ack' | 'resolve'>> = { [SLACK_ACK_ACTION]: 'ack', [SLACK_RESOLVE_ACTION]: 'resolve' };

/** Reads an interaction request body (already verified): `payload=<url-encoded JSON>`. */
export function parseSlackInteraction(rawBody: string): SlackInteractionParse {
  const payloadText = new URLSearchParams(rawBody).get('payload');
  if (payloadText === null) return { kind: 'invalid', error: 'no "payload" form field' };
  let payload: unknown;
  try {
    payload = JSON.parse(payloadText);
  } catch {
    return { kind: 'invalid', error: '"payload" is not JSON' };
  }
  const type = field(payload, 'type');
  if (typeof type !== 'string') return { kind: 'invalid', error: 'payload has no type' };
  if (type !== 'block_actions') return { kind: 'ignore', reason: `interaction type ${type}` };
  const actions = field(payload, 'actions');
  const ours = Array.isArray(actions) ? actions.find((a) => typeof field(a, 'action_id') === 'string' && ACTIONS[field(a, 'action_id') as string] !== undefined) : undefined;
  if (!ours) return { kind: 'ignore', reason: 'no vigil action in the payload' };
  const incidentId = nonEmptyString(field(ours, 'value'));
  if (!incidentId) return { kind: 'invalid', error: 'vigil action without an incident id' };
  const user = field(payload, 'user');
  const userId = nonEmptyString(field(user, 'id'));
  if (!userId) return { kind: 'invalid', error: 'payload has no user id' };
  const responseUrl = nonEmptyString(field(payload, 'response_url'));
  const container = field(payload, 'container');
  const channel = nonEmptyString(field(container, 'channel_id')) ?? nonEmptyString(field(field(payload, 'channel'), 'id'));
  const messageTs = nonEmptyString(field(container, 'message_ts')) ?? nonEmptyString(field(field(payload, 'message'), 'ts'));
  return {
    kind: 'action',
    action: ACTIONS[field(ours, 'action_id') as string]!,
    incidentId,
    user: { id: userId, name: nonEmptyString(field(user, 'name')) ?? nonEmptyString(field(user, 'username')) ?? userId },
    ...(responseUrl ? { responseUrl } : {}),
    ...(channel ? { channel } : {}),
    ...(messageTs ? { messageTs } : {}),
  };
}
