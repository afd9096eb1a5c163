import { SmtpMailer } from '../../src/adapters/email/smtp-mailer.js';
import { PagerDutyEventsClient } from '../../src/adapters/pagerduty/pagerduty-events.client.js';
import { SlackClient } from '../../src/adapters/slack/slack.client.js';
import { incidentMail, pagerDutyEvent, slackMessage, type PageContext } from '../../src/core/incidents/page-messages.js';
import { parseSlackInteraction, verifySlackRequest } from '../../src/core/incidents/slack-request.js';
import { PagerDutyContractServer } from '../support/pagerduty-contract-server.js';
import { buttonClick, signedInteraction, SlackContractServer } from '../support/slack-contract-server.js';
import { SmtpSink } from '../support/smtp-sink.js';

/** What core renders, sent by the adapters, as the contract servers judge it: trigger → ack → resolve. */

const ROUTING_KEY = 'R0123456789abcdef0123456789abcde';
const TOKEN = 'xoxb-test';
const SIGNING_SECRET = 'slack-signing-secret';

const ctx: PageContext = {
  incidentId: 'inc-7',
  title: 'Error budget burning 14x',
  status: 'triggered',
  urgency: 'high',
  severity: 'critical',
  service: 'checkout',
  alerts: { firing: 3, resolved: 0, total: 3 },
  triggeredAt: new Date('2026-11-20T10:00:00Z'),
  level: 1,
  runbookUrl: 'https://runbooks.example.com/checkout',
  budget: [{ slo: 'checkout-availability', remainingPercent: 12.5, status: 'burning' }],
};
const acked: PageContext = { ...ctx, status: 'acknowledged', acknowledgedBy: 'alice' };
const resolved: PageContext = { ...ctx, status: 'resolved', resolvedBy: 'alice', alerts: { firing: 0, resolved: 3, total: 3 } };

describe('rendered pages through the adapters to the contract servers', () => {
  it('PagerDuty accepts trigger, acknowledge and resolve under one dedup_key, in order', async () => {
    const pd = await PagerDutyContractServer.start();
    const client = new PagerDutyEventsClient({ ca: pd.caPem });
    try {
      for (const [c, action] of [[ctx, 'trigger'], [acked, 'acknowledge'], [resolved, 'resolve']] as const) {
        expect(await client.send(pd.url, pagerDutyEvent(c, action, ROUTING_KEY), 5_000)).toMatchObject({ outcome: 'delivered', httpStatus: 202, ref: 'vigil-inc-7' });
      }
      expect(pd.accepted().map((e) => (e.body as { event_action: string }).event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);
    } finally {
      client.close();
      await pd.close();
    }
  });

  it('Slack shows one message that is updated in place, and a signed click on its button reads back as an ack', async () => {
    const slack = await SlackContractServer.start({ token: TOKEN, channels: { incidents: 'C0INCIDENTS' } });
    const client = new SlackClient();
    try {
      const posted = await client.post(slack.apiUrl, TOKEN, slackMessage(ctx, '#incidents'), 5_000);
      if (posted.outcome !== 'delivered') throw new Error(JSON.stringify(posted));
      for (const next of [acked, resolved]) {
        expect((await client.update(slack.apiUrl, TOKEN, posted.ref!, slackMessage(next, posted.channel!), 5_000)).outcome).toBe('delivered');
      }
      const messages = slack.channel('C0INCIDENTS');
      expect(messages).toHaveLength(1);
      expect(messages[0]?.updates.map((u) => u.text)).toEqual([':large_yellow_circle: ACKNOWLEDGED: checkout: Error budget burning 14x', ':large_green_circle: RESOLVED: checkout: Error budget burning 14x']);

      // The Acknowledge button of the posted message, clicked by alice, as Slack would deliver it.
      const button = (messages[0]?.blocks?.at(-1) as { elements: { action_id: string; value: string }[] }).elements[0]!;
      const now = new Date('2026-11-20T10:05:00Z');
      const request = signedInteraction(SIGNING_SECRET, buttonClick({ actionId: button.action_id, value: button.value, user: { id: 'U0ALICE', username: 'alice' }, channel: 'C0INCIDENTS', messageTs: posted.ref! }), now.getTime() / 1000);
      expect(verifySlackRequest({ signingSecret: SIGNING_SECRET, timestamp: request.headers['X-Slack-Request-Timestamp'], signature: request.headers['X-Slack-Signature'], rawBody: request.body, now })).toEqual({ ok: true });
      expect(parseSlackInteraction(request.body)).toMatchObject({ kind: 'action', action: 'ack', incidentId: 'inc-7', user: { id: 'U0ALICE', name: 'alice' }, channel: 'C0INCIDENTS', messageTs: posted.ref });
    } finally {
      await slack.close();
    }
  });

  it('e-mail threads trigger, ack and resolve under the first Message-ID', async () => {
    const sink = await SmtpSink.start();
    const mailer = new SmtpMailer();
    try {
      const smtp = { host: sink.host, port: sink.port, secure: false, requireTls: false };
      for (const [c, action] of [[ctx, 'trigger'], [acked, 'acknowledge'], [resolved, 'resolve']] as const) {
        expect((await mailer.send(smtp, incidentMail(c, 'vigil@example.com', ['oncall@example.com'], action), 5_000)).outcome).toBe('delivered');
      }
      const mails = await sink.received.waitFor(3);
      expect(mails.map((m) => m.headers.get('subject'))).toEqual(['[TRIGGERED] Error budget burning 14x', '[ACKNOWLEDGED] Error budget burning 14x', '[RESOLVED] Error budget burning 14x']);
      expect(mails[0]?.headers.get('message-id')).toBe('<incident-inc-7@vigil>');
      expect(mails.slice(1).map((m) => [m.headers.get('in-reply-to'), m.headers.get('references')])).toEqual([
        ['<incident-inc-7@vigil>', '<incident-inc-7@vigil>'],
        ['<incident-inc-7@vigil>', '<incident-inc-7@vigil>'],
      ]);
    } finally {
      mailer.close();
      await sink.close();
    }
  });
});
