import { dedupKeyFor, incidentIdFromDedupKey, incidentMail, pagerDutyEvent, pagerDutySeverity, slackMessage, webhookPayload, type PageContext } from './page-messages.js';

const ROUTING_KEY = 'R0123456789abcdef0123456789abcde';

const ctx: PageContext = {
  incidentId: 'inc-7',
  title: 'Error budget burning 14x',
  status: 'triggered',
  urgency: 'high',
  severity: 'critical',
  service: 'checkout',
  team: 'payments',
  alerts: { firing: 3, resolved: 1, total: 4 },
  triggeredAt: new Date('2026-11-20T10:00:00Z'),
  level: 1,
  summary: 'checkout-availability burns its 30-day budget 14.4x too fast',
  runbookUrl: 'https://runbooks.example.com/checkout',
  dashboardUrl: 'https://grafana.example.com/d/checkout',
  incidentUrl: 'https://vigil.example.com/incidents/inc-7',
  budget: [{ slo: 'checkout-availability', remainingPercent: 12.345, status: 'burning' }],
};

/** The same incident with nothing optional set. */
const bare: PageContext = {
  incidentId: 'inc-8',
  title: 'Disk almost full',
  status: 'triggered',
  urgency: 'low',
  severity: 'warning',
  alerts: { firing: 1, resolved: 0, total: 1 },
  triggeredAt: new Date('2026-11-20T11:00:00Z'),
  level: 1,
};

describe('dedup key', () => {
  it('is stable per incident and maps back to it', () => {
    expect(dedupKeyFor('inc-7')).toBe('vigil-inc-7');
    expect(incidentIdFromDedupKey('vigil-inc-7')).toBe('inc-7');
  });

  it.each(['d3640fbd41094207a1c11e58e46b1662', 'vigil-', ''])('is not ours: %j', (key) => {
    expect(incidentIdFromDedupKey(key)).toBeUndefined();
  });
});

describe('pagerDutySeverity', () => {
  it.each([
    ['critical', 'high', 'critical'],
    ['Page', 'high', 'critical'],
    ['error', 'high', 'error'],
    ['warning', 'low', 'warning'],
    ['info', 'low', 'info'],
    ['something-else', 'high', 'error'],
    ['something-else', 'low', 'warning'],
  ] as const)('%s at %s urgency → %s', (severity, urgency, expected) => {
    expect(pagerDutySeverity(severity, urgency)).toBe(expected);
  });
});

describe('pagerDutyEvent', () => {
  it('builds a trigger with payload, details and links', () => {
    expect(pagerDutyEvent(ctx, 'trigger', ROUTING_KEY)).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'vigil-inc-7',
      payload: {
        summary: 'checkout: Error budget burning 14x',
        source: 'checkout',
        severity: 'critical',
        timestamp: '2026-11-20T10:00:00.000Z',
        component: 'checkout',
        group: 'payments',
        custom_details: {
          incident: 'inc-7',
          severity: 'critical',
          urgency: 'high',
          level: 1,
          alerts: { firing: 3, resolved: 1, total: 4 },
          summary: 'checkout-availability burns its 30-day budget 14.4x too fast',
          team: 'payments',
          error_budget: ['checkout-availability: 12.3% left (burning)'],
        },
      },
      links: [
        { href: 'https://vigil.example.com/incidents/inc-7', text: 'Incident in Vigil' },
        { href: 'https://runbooks.example.com/checkout', text: 'Runbook' },
        { href: 'https://grafana.example.com/d/checkout', text: 'Dashboard' },
      ],
      client: 'Vigil',
      client_url: 'https://vigil.example.com/incidents/inc-7',
    });
  });

  it('builds a trigger with nothing optional: source vigil, no links', () => {
    expect(pagerDutyEvent(bare, 'trigger', ROUTING_KEY)).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'vigil-inc-8',
      payload: {
        summary: 'Disk almost full',
        source: 'vigil',
        severity: 'warning',
        timestamp: '2026-11-20T11:00:00.000Z',
        custom_details: { incident: 'inc-8', severity: 'warning', urgency: 'low', level: 1, alerts: { firing: 1, resolved: 0, total: 1 } },
      },
      client: 'Vigil',
    });
  });

  it.each(['acknowledge', 'resolve'] as const)('builds %s with routing_key, event_action and dedup_key only', (action) => {
    expect(pagerDutyEvent(ctx, action, ROUTING_KEY)).toEqual({ routing_key: ROUTING_KEY, event_action: action, dedup_key: 'vigil-inc-7' });
  });

  it('cuts a long summary to 1024 UTF-16 units without splitting an emoji', () => {
    const summary = pagerDutyEvent({ ...bare, title: `${'x'.repeat(1022)}🔥🔥` }, 'trigger', ROUTING_KEY).payload!.summary;
    expect(summary.length).toBeLessThanOrEqual(1024);
    expect(summary).toBe(`${'x'.repeat(1022)}…`);
  });
});

describe('slackMessage', () => {
  it('renders an open incident: header with the status word, fields, summary, budget, links, two buttons', () => {
    expect(slackMessage(ctx, 'C0INCIDENTS')).toEqual({
      channel: 'C0INCIDENTS',
      text: ':red_circle: TRIGGERED: checkout: Error budget burning 14x',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'TRIGGERED: Error budget burning 14x', emoji: false } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Status:*\nTriggered (level 1)' },
            { type: 'mrkdwn', text: '*Severity:*\ncritical (high urgency)' },
            { type: 'mrkdwn', text: '*Service:*\ncheckout' },
            { type: 'mrkdwn', text: '*Team:*\npayments' },
            { type: 'mrkdwn', text: '*Alerts:*\n3 firing, 1 resolved (4 total)' },
            { type: 'mrkdwn', text: '*Triggered:*\n2026-11-20T10:00:00.000Z' },
          ],
        },
        { type: 'section', text: { type: 'mrkdwn', text: 'checkout-availability burns its 30-day budget 14.4x too fast' } },
        { type: 'section', text: { type: 'mrkdwn', text: '*Error budget:*\n• checkout-availability: 12.3% left (burning)' } },
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: '<https://runbooks.example.com/checkout|Runbook>  ·  <https://grafana.example.com/d/checkout|Dashboard>  ·  <https://vigil.example.com/incidents/inc-7|Incident inc-7>' }],
        },
        {
          type: 'actions',
          block_id: 'vigil_actions',
          elements: [
            { type: 'button', action_id: 'vigil_ack', text: { type: 'plain_text', text: 'Acknowledge' }, value: 'inc-7', style: 'primary' },
            { type: 'button', action_id: 'vigil_resolve', text: { type: 'plain_text', text: 'Resolve' }, value: 'inc-7' },
          ],
        },
      ],
    });
  });

  it('says who acknowledged, and keeps the buttons while the incident is open', () => {
    const m = slackMessage({ ...ctx, status: 'acknowledged', acknowledgedBy: 'alice' }, 'C0INCIDENTS');
    expect(m.text).toBe(':large_yellow_circle: ACKNOWLEDGED: checkout: Error budget burning 14x');
    expect(m.blocks?.[1]).toMatchObject({ fields: [{ text: '*Status:*\nAcknowledged by alice' }, {}, {}, {}, {}, {}] });
    expect(m.blocks?.at(-1)).toMatchObject({ type: 'actions' });
  });

  it('drops the buttons once resolved', () => {
    const m = slackMessage({ ...ctx, status: 'resolved', resolvedBy: 'bob' }, 'C0INCIDENTS');
    expect(m.text).toBe(':large_green_circle: RESOLVED: checkout: Error budget burning 14x');
    expect(m.blocks?.some((b) => (b as { type: string }).type === 'actions')).toBe(false);
    expect(m.blocks?.[1]).toMatchObject({ fields: [{ text: '*Status:*\nResolved by bob' }, {}, {}, {}, {}, {}] });
  });

  it('escapes mrkdwn control characters from alert text, so they cannot become mentions or links', () => {
    const m = slackMessage({ ...bare, summary: 'ping <!channel> & <https://evil|click>' }, 'C0');
    expect(m.blocks?.[2]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'ping &lt;!channel&gt; &amp; &lt;https://evil|click&gt;' } });
  });

  it('renders nothing optional for a bare incident', () => {
    expect(slackMessage(bare, 'C0').blocks?.map((b) => (b as { type: string }).type)).toEqual(['header', 'section', 'actions']);
  });
});

describe('incidentMail', () => {
  const to = ['oncall@example.com'];

  it('starts the thread with the level-1 trigger', () => {
    expect(incidentMail(ctx, 'vigil@example.com', to, 'trigger')).toEqual({
      from: 'vigil@example.com',
      to,
      subject: '[TRIGGERED] Error budget burning 14x',
      messageId: '<incident-inc-7@vigil>',
      text: [
        'TRIGGERED: Error budget burning 14x',
        '',
        'Incident:  inc-7',
        'Status:    Triggered (level 1)',
        'Severity:  critical (high urgency)',
        'Service:   checkout',
        'Team:      payments',
        'Alerts:    3 firing, 1 resolved (4 total)',
        'Triggered: 2026-11-20T10:00:00.000Z',
        '',
        'checkout-availability burns its 30-day budget 14.4x too fast',
        '',
        'Error budget:',
        '  - checkout-availability: 12.3% left (burning)',
        '',
        'Runbook:   https://runbooks.example.com/checkout',
        'Dashboard: https://grafana.example.com/d/checkout',
        'Incident:  https://vigil.example.com/incidents/inc-7',
        '',
      ].join('\n'),
    });
  });

  it.each([
    ['a level-2 re-page', { level: 2 }, 'trigger', '[TRIGGERED] Error budget burning 14x'],
    ['the acknowledgement', { status: 'acknowledged', acknowledgedBy: 'alice' }, 'acknowledge', '[ACKNOWLEDGED] Error budget burning 14x'],
    ['the resolve', { status: 'resolved', resolvedBy: 'bob' }, 'resolve', '[RESOLVED] Error budget burning 14x'],
  ] as const)('threads %s under the first mail, with no Message-ID of its own', (_case, over, action, subject) => {
    const mail = incidentMail({ ...ctx, ...over }, 'vigil@example.com', to, action);
    expect(mail.subject).toBe(subject);
    expect(mail.inReplyTo).toBe('<incident-inc-7@vigil>');
    expect(mail.messageId).toBeUndefined();
  });

  it('keeps the subject on one line whatever the alert title holds', () => {
    expect(incidentMail({ ...bare, title: 'bad\r\nBcc: someone@example.com' }, 'v@x', to, 'trigger').subject).toBe('[TRIGGERED] bad Bcc: someone@example.com');
  });
});

describe('webhookPayload', () => {
  it('describes the incident for a signed generic webhook', () => {
    expect(webhookPayload({ ...ctx, status: 'acknowledged', acknowledgedBy: 'alice' }, 'acknowledge')).toEqual({
      type: 'incident.acknowledged',
      incident: {
        id: 'inc-7',
        title: 'Error budget burning 14x',
        status: 'acknowledged',
        urgency: 'high',
        severity: 'critical',
        service: 'checkout',
        team: 'payments',
        level: 1,
        alerts: { firing: 3, resolved: 1, total: 4 },
        triggeredAt: '2026-11-20T10:00:00.000Z',
        acknowledgedBy: 'alice',
        summary: 'checkout-availability burns its 30-day budget 14.4x too fast',
        links: { incident: 'https://vigil.example.com/incidents/inc-7', runbook: 'https://runbooks.example.com/checkout', dashboard: 'https://grafana.example.com/d/checkout' },
        budget: [{ slo: 'checkout-availability', remainingPercent: 12.345, status: 'burning' }],
      },
    });
  });

  it.each([
    ['trigger', 'incident.triggered'],
    ['acknowledge', 'incident.acknowledged'],
    ['resolve', 'incident.resolved'],
    ['escalate', 'incident.escalated'],
  ] as const)('types %s as %s', (action, type) => {
    expect(webhookPayload(bare, action).type).toBe(type);
  });

  it('leaves out what is not known', () => {
    expect(webhookPayload(bare, 'trigger').incident).toEqual({
      id: 'inc-8',
      title: 'Disk almost full',
      status: 'triggered',
      urgency: 'low',
      severity: 'warning',
      level: 1,
      alerts: { firing: 1, resolved: 0, total: 1 },
      triggeredAt: '2026-11-20T11:00:00.000Z',
      links: {},
    });
  });
});
