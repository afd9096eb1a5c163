import { join } from 'node:path';
import { failoverOutcome, failoverSpec, restoreOutcome, restoreSpec } from '../../../test/support/drill-fixtures.js';
import { golden } from '../../../test/support/golden.js';
import type { DrillSpec } from '../model/drill.js';
import type { DrillOutcome } from './drill-outcome.js';
import { buildDrillReport, type DrillReport, type Finding } from './drill-report.js';
import { serializeSealed, verifyChain } from './report-chain.js';
import { renderDrillReportHtml, renderDrillReportMarkdown } from './report-render.js';

/** test/golden/drill-reports/<case>/ holds the stored JSON and its renderings; UPDATE_GOLDEN=1 rewrites them. */
const GOLDEN = 'test/golden/drill-reports';

const pass = (): DrillReport =>
  buildDrillReport({ spec: restoreSpec(), outcome: restoreOutcome(), chainTip: null, previousFindings: [], preparedBy: 'vigil 0.1.0', preparedAt: '2025-03-03T02:06:26.000Z' });

/**
 * A failover that lost 7.2s of acknowledged commits (objective 5s) and whose validation query
 * returned the wrong value; the check's name carries markup, to show it printed as text. One
 * finding from last quarter is still open; the completion message failed to send.
 */
const HOSTILE = 'orders <script>alert("x")</script> & co';
const fail = (): DrillReport => {
  const spec: DrillSpec = { ...failoverSpec(), checks: [...failoverSpec().checks, { kind: 'sql', name: HOSTILE, sql: 'SELECT count(*) FROM orders', expect: '1204331', at: failoverSpec().at }] };
  const o = failoverOutcome();
  const outcome: DrillOutcome = {
    ...o,
    rpo: { ...o.rpo!, lostTransactions: 1440, lostMs: 7200 },
    checks: [...o.checks, { name: HOSTILE, kind: 'sql', expected: '1204331', actual: '1202891', passed: false }],
    errors: [{ at: '2025-03-03T02:01:09.000Z', step: 'notify', message: 'Slack API: channel_not_found' }],
    communications: [...o.communications, { at: '2025-03-03T02:01:09.000Z', event: 'drill.completed', sink: 'slack', target: '#dr-drills', outcome: 'failed', detail: 'channel_not_found' }],
  };
  const lastQuarter: Finding = {
    id: 'run-2024-12-02-orders-failover-1',
    subject: 'RTO',
    text: 'promotion waited 40s for the archiver: set archive_timeout on the replica',
    owner: 'alice',
    due: '2025-02-15',
    status: 'open',
    openedInRun: 'run-2024-12-02-orders-failover',
    verifiedInRun: null,
  };
  const tip = pass();
  return buildDrillReport({ spec, outcome, chainTip: tip, previousFindings: [lastQuarter], preparedBy: 'vigil 0.1.0', preparedAt: '2025-03-03T02:01:11.000Z' });
};

describe.each([
  ['pass', pass, 'PASS'],
  ['fail', fail, 'FAIL'],
])('golden drill report %s', (name, make, status) => {
  const report = make();

  it(`is a ${status} report`, () => {
    expect(report.verdict.status).toBe(status);
  });

  it.each([
    ['report.json', serializeSealed],
    ['report.md', renderDrillReportMarkdown],
    ['report.html', renderDrillReportHtml],
  ] as const)('renders %s exactly as expected', async (file, render) => {
    const text = render(report);
    expect(text).toBe(await golden(join(GOLDEN, name, file), text));
  });
});

describe('the stored golden reports', () => {
  it('form a chain that verifies (pass, then fail)', async () => {
    const { readFile } = await import('node:fs/promises');
    const files = await Promise.all(['pass', 'fail'].map(async (n) => ({ name: n, text: await readFile(join(GOLDEN, n, 'report.json'), 'utf8') })));
    expect(verifyChain(files)).toMatchObject({ ok: true, firstBreak: null });
  });
});

describe('escaping', () => {
  const report = fail();

  it('prints markup in a check name as text in HTML', () => {
    const page = renderDrillReportHtml(report);
    expect(page).toContain('orders &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(page).not.toMatch(/<script/i);
  });

  it('prints markup in a check name as text in Markdown, whose renderers pass raw HTML through', () => {
    const text = renderDrillReportMarkdown(report);
    expect(text).toContain('orders &lt;script&gt;alert("x")&lt;/script&gt; &amp; co');
    expect(text).not.toMatch(/<script/i);
  });

  it('keeps a pipe or newline in a value inside its Markdown table cell', () => {
    const o = restoreOutcome();
    const r = buildDrillReport({
      spec: restoreSpec(),
      outcome: { ...o, events: [{ at: '2025-03-03T02:00:00.000Z', event: 'x', detail: 'a | b\nc' }] },
      chainTip: null,
      previousFindings: [],
      preparedBy: 'v',
      preparedAt: '2025-03-03T02:06:26.000Z',
    });
    expect(renderDrillReportMarkdown(r)).toContain('| 2025-03-03T02:00:00.000Z | x | a \\| b c |');
  });
});

describe('the HTML page', () => {
  const page = renderDrillReportHtml(fail());

  it('stands alone: inline CSS, nothing loaded from elsewhere, no scripts or controls', () => {
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<style>');
    expect(page).not.toMatch(/<(link|script|img|iframe|button|nav|form|input)\b/i);
    expect(page).not.toMatch(/\b(src|href)=/i);
    expect(page).not.toMatch(/url\(/i);
  });

  it('prints on A4', () => {
    expect(page).toContain('@page { size: A4;');
    expect(page).toContain('@media print');
  });

  it.each([
    [pass(), '✔ PASS'],
    [fail(), '✘ FAIL'],
  ])('shows the status as a word with a symbol, not by colour alone', (report, label) => {
    expect(renderDrillReportHtml(report)).toContain(`<p class="status status-${report.verdict.status.toLowerCase()}">${label}</p>`);
    expect(renderDrillReportMarkdown(report)).toContain(`**${label}**`);
  });
});
