import { compareText } from '../compare-text.js';
import type { DrillReport } from './drill-report.js';
import { formatElapsed } from './rto.js';
import type { Assessment, VerdictStatus } from './verdict.js';

/**
 * A drill report for people: Markdown, a standalone HTML page that prints on A4, and the web UI's
 * report page. All render one outline (reportOutline), so they cannot disagree on what a report says. The JSON stays the
 * record; these are views of it. Every value from a report is text to escape: check names and
 * tool output come from specs and servers, not from us.
 */

export type ReportBlock =
  | { readonly kind: 'status'; readonly status: VerdictStatus }
  | { readonly kind: 'p'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly string[] }
  /** Label → value rows. */
  | { readonly kind: 'fields'; readonly rows: readonly (readonly [string, string])[] }
  | { readonly kind: 'table'; readonly head: readonly string[]; readonly rows: readonly (readonly string[])[] };

export interface ReportSection {
  readonly title: string;
  readonly blocks: readonly ReportBlock[];
}

/** Word and symbol together: the status must read the same printed in black and white. */
export const STATUS_LABEL: Readonly<Record<VerdictStatus, string>> = {
  PASS: '✔ PASS',
  FAIL: '✘ FAIL',
  ABORTED: '■ ABORTED',
  INCONCLUSIVE: '? INCONCLUSIVE',
};

const RESULT_LABEL: Readonly<Record<Assessment['result'], string>> = { met: '✔ met', missed: '✘ missed', 'not-measured': '? not measured' };
const NONE = '—';

const orNone = (v: string | number | null | undefined): string => (v === null || v === undefined || v === '' ? NONE : String(v));
const passed = (ok: boolean): string => (ok ? '✔ passed' : '✘ failed');
const yesNo = (b: boolean | undefined): string => (b === undefined ? NONE : b ? 'yes' : 'no');

export function reportTitle(r: DrillReport): string {
  return `DR drill report: ${r.identity.drill} — ${STATUS_LABEL[r.verdict.status]}`;
}

/** The report's sections in order: what Markdown, the HTML page and the web UI's report page all render. */
export function reportOutline(r: DrillReport): ReportSection[] {
  const id = r.identity;
  const m = r.measurements;
  const rto = m.rto;
  const rpo = m.rpo;
  const rec = m.recovery;
  const fb = r.failback;
  return [
    {
      title: 'Report',
      blocks: [
        {
          kind: 'fields',
          rows: [
            ['Drill', `${id.drill} (${id.type})`],
            ['Run', id.runId],
            ['Run time (UTC)', `${id.startedAt} to ${id.finishedAt}`],
            ['Owner', id.owner],
            ['Chain position', `report ${r.sequence}, revision ${r.revision}${r.corrects ? `, corrects run ${r.corrects}` : ''}`],
            ...(r.correction ? [['Correction', r.correction] as const] : []),
            ['Hash (SHA-256)', r.hash],
            ['Previous hash', r.previousHash],
          ],
        },
      ],
    },
    {
      title: 'Verdict',
      blocks: [
        { kind: 'status', status: r.verdict.status },
        r.verdict.reasons.length > 0 ? { kind: 'list', items: r.verdict.reasons.map((x) => x.text) } : { kind: 'p', text: 'Every objective and check was met.' },
        { kind: 'table', head: ['Objective or check', 'Expected', 'Actual', 'Result'], rows: r.verdict.assessments.map((a) => [a.subject, a.expected, a.actual === null ? `${NONE}${a.note ? ` (${a.note})` : ''}` : a.actual, RESULT_LABEL[a.result]]) },
      ],
    },
    {
      title: 'Identity and tools',
      blocks: [
        { kind: 'fields', rows: [['Description', orNone(id.description)], ['Vigil version', id.vigilVersion], ['Host', id.host]] },
        { kind: 'table', head: ['Tool', 'Version'], rows: Object.entries(id.toolVersions).sort(([a], [b]) => compareText(a, b)) },
      ],
    },
    {
      title: 'Scope',
      blocks: [{ kind: 'fields', rows: [['Target', r.scope.target], ['Backup source', orNone(r.scope.backupSource)], ['Connections', r.scope.connections.length > 0 ? r.scope.connections.join('; ') : NONE]] }],
    },
    {
      title: 'Objectives',
      blocks: [
        {
          kind: 'fields',
          rows: [
            ['RTO', `≤ ${formatElapsed(r.objectives.rtoSeconds * 1e9)} (fault to validated)`],
            ['RPO', `≤ ${formatElapsed(r.objectives.rpoSeconds * 1e9)}`],
            ['Recovery target', orNone(r.objectives.recoveryTarget)],
          ],
        },
      ],
    },
    {
      title: 'Scenario',
      blocks: [
        { kind: 'p', text: r.scenario.summary },
        {
          kind: 'fields',
          rows: [
            ['Schedule', r.scenario.schedule],
            ['Abort after', formatElapsed(r.scenario.abortCriteria.maxDurationSeconds * 1e9)],
            ['Abort below free space', r.scenario.abortCriteria.minFreeBytes === null ? NONE : `${r.scenario.abortCriteria.minFreeBytes} bytes`],
            ['Abort above replica lag', r.scenario.abortCriteria.maxReplicaLagSeconds === null ? NONE : formatElapsed(r.scenario.abortCriteria.maxReplicaLagSeconds * 1e9)],
            ['Notified', r.scenario.notify.length > 0 ? r.scenario.notify.join('; ') : NONE],
          ],
        },
        { kind: 'table', head: ['Planned check', 'Kind', 'Expected'], rows: r.scenario.checksPlanned.map((c) => [c.name, c.kind, c.expected]) },
      ],
    },
    {
      title: 'Steady state before the fault',
      blocks: r.baseline
        ? [
            {
              kind: 'fields',
              rows: [
                ['Read at (UTC)', r.baseline.takenAt],
                ['Server version', r.baseline.serverVersion],
                ['Replication lag', r.baseline.replicationLagMs === undefined ? NONE : `${r.baseline.replicationLagMs} ms (context, not RPO)`],
              ],
            },
            { kind: 'table', head: ['Table', 'Rows'], rows: r.baseline.rowCounts.map((c) => [c.table, String(c.rows)]) },
          ]
        : [{ kind: 'p', text: 'No baseline was read.' }],
    },
    {
      title: 'Measurements',
      blocks: [
        rto.measured
          ? { kind: 'p', text: `RTO ${formatElapsed(rto.totalNs)} (${rto.totalNs} ns), from ${rto.start} to ${rto.end} UTC, on one monotonic clock.` }
          : { kind: 'p', text: `RTO not measured: ${rto.reason}.` },
        ...(rto.measured
          ? [
              {
                kind: 'table' as const,
                head: ['Phase', 'Start (UTC)', 'End (UTC)', 'Duration', 'ns'],
                rows: [...rto.phases.map((p) => [p.phase, p.start, p.end, formatElapsed(p.durationNs), String(p.durationNs)]), ['total', rto.start, rto.end, formatElapsed(rto.totalNs), String(rto.totalNs)]],
              },
            ]
          : []),
        ...(m.verification.length > 0
          ? [{ kind: 'table' as const, head: ['Before recovery (not in RTO)', 'Start (UTC)', 'End (UTC)', 'Duration'], rows: m.verification.map((p) => ['backup and WAL verification', p.start, p.end, formatElapsed(p.durationNs)]) }]
          : []),
        !rpo.measured
          ? { kind: 'p', text: `RPO not measured: ${rpo.reason}.` }
          : rpo.method === 'heartbeat-ledger'
            ? {
                kind: 'fields',
                rows: [
                  ['RPO', formatElapsed(rpo.lostMs * 1e6)],
                  ['Lost transactions', `${rpo.lostTransactions} of ${rpo.acknowledged} acknowledged`],
                  ['In doubt (not counted as lost)', rpo.inDoubt.length === 0 ? '0' : `${rpo.inDoubt.length}: ${rpo.inDoubt.map((d) => `${d.id} sent ${d.sentAt}`).join('; ')}`],
                ],
              }
            : { kind: 'fields', rows: [['RPO', formatElapsed(rpo.lostMs * 1e6)], ['Recovery should reach', rpo.reference], ['Last transaction recovered', rpo.achieved]] },
        ...(rec
          ? [
              {
                kind: 'fields' as const,
                rows: [
                  ['Backup', `${rec.backup.label}, ended ${rec.backup.stoppedAt}`],
                  ['WAL replayed', rec.walReplayed ? `${rec.walReplayed.from} to ${rec.walReplayed.to}` : NONE],
                  ['Requested', rec.requested.kind === 'time' ? `recovery_target_time ${rec.requested.at}` : 'latest'],
                  ['Achieved (last completed transaction)', orNone(rec.achievedAt)],
                  ['Target reached', yesNo(rec.targetReached)],
                  ['Recovered to latest', yesNo(rec.recoveredToLatest)],
                ] as const,
              },
            ]
          : []),
      ],
    },
    {
      title: 'Checks',
      blocks: [{ kind: 'table', head: ['Check', 'Kind', 'Expected', 'Actual', 'Result', 'Error'], rows: r.checks.map((c) => [c.name, c.kind, c.expected, orNone(c.actual), passed(c.passed), orNone(c.error)]) }],
    },
    {
      title: 'Timeline',
      blocks: [r.timeline.length > 0 ? { kind: 'table', head: ['Time (UTC)', 'Event', 'Detail'], rows: r.timeline.map((e) => [e.at, e.event, e.detail]) } : { kind: 'p', text: 'No events.' }],
    },
    {
      title: 'Failback (not part of RTO)',
      blocks: fb
        ? [
            {
              kind: 'fields',
              rows: [
                ['Method', fb.method],
                ['Completed', yesNo(fb.completed)],
                ['Divergence', fb.divergence ? `LSN ${fb.divergence.lsn}, timeline ${fb.divergence.timeline}` : NONE],
                ['Discarded transactions', orNone(fb.discardedTransactions)],
                ['Error', orNone(fb.error)],
              ],
            },
            { kind: 'table', head: ['Phase', 'Start (UTC)', 'End (UTC)', 'Duration'], rows: fb.phases.map((p) => [p.phase, p.start, p.end, formatElapsed(p.durationNs)]) },
          ]
        : [{ kind: 'p', text: 'No failback.' }],
    },
    {
      title: 'Communications sent',
      blocks: [
        r.communications.length > 0
          ? { kind: 'table', head: ['Time (UTC)', 'Event', 'Sink', 'Target', 'Outcome'], rows: r.communications.map((c) => [c.at, c.event, c.sink, c.target, `${c.outcome === 'sent' ? '✔' : '✘'} ${c.outcome}${c.detail ? `: ${c.detail}` : ''}`]) }
          : { kind: 'p', text: 'None.' },
      ],
    },
    {
      title: 'Errors',
      blocks: [r.errors.length > 0 ? { kind: 'table', head: ['Time (UTC)', 'Step', 'Message'], rows: r.errors.map((e) => [e.at, e.step, e.message]) } : { kind: 'p', text: 'None.' }],
    },
    {
      title: 'Abort',
      blocks: [r.abort ? { kind: 'fields', rows: [['Criterion', r.abort.criterion], ['Detail', r.abort.detail], ['At (UTC)', r.abort.at]] } : { kind: 'p', text: 'Not aborted.' }],
    },
    {
      title: 'Findings',
      blocks: [
        r.findings.length > 0
          ? {
              kind: 'table',
              head: ['Id', 'Finding', 'Owner', 'Due', 'Status', 'Opened in', 'Verified in'],
              rows: r.findings.map((f) => [f.id, f.text, f.owner, f.due, f.status === 'open' ? '○ open' : '✔ verified', f.openedInRun, orNone(f.verifiedInRun)]),
            }
          : { kind: 'p', text: 'None.' },
      ],
    },
    {
      title: 'Sign-off',
      blocks: [
        {
          kind: 'table',
          head: ['Role', 'Name', 'Date (UTC)'],
          rows: [
            ['Prepared by', r.signOff.preparedBy, r.signOff.preparedAt],
            ['Reviewed by', orNone(r.signOff.reviewedBy), orNone(r.signOff.reviewedAt)],
            ['Approved by', orNone(r.signOff.approvedBy), orNone(r.signOff.approvedAt)],
          ],
        },
      ],
    },
  ];
}

// ---- Markdown ----

/**
 * Markdown passes raw HTML through to most renderers: `<`, `>` and `&` become entities. In table
 * cells a pipe would split the cell and a newline end the table.
 */
function md(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n|\r/g, ' ');
}

function mdTable(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${head.map(md).join(' | ')} |`, `|${head.map(() => ' --- |').join('')}`, ...rows.map((row) => `| ${row.map(md).join(' | ')} |`)];
}

function mdBlock(b: ReportBlock): string[] {
  switch (b.kind) {
    case 'status':
      return [`**${STATUS_LABEL[b.status]}**`];
    case 'p':
      return [md(b.text)];
    case 'list':
      return b.items.map((i) => `- ${md(i)}`);
    case 'fields':
      return mdTable(['Field', 'Value'], b.rows);
    case 'table':
      return mdTable(b.head, b.rows);
  }
}

export function renderDrillReportMarkdown(r: DrillReport): string {
  const lines = [`# ${md(reportTitle(r))}`, ''];
  for (const s of reportOutline(r)) {
    lines.push(`## ${md(s.title)}`, '');
    for (const b of s.blocks) lines.push(...mdBlock(b), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

// ---- HTML ----

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function htmlBlock(b: ReportBlock): string {
  switch (b.kind) {
    case 'status':
      return `<p class="status status-${b.status.toLowerCase()}">${html(STATUS_LABEL[b.status])}</p>`;
    case 'p':
      return `<p>${html(b.text)}</p>`;
    case 'list':
      return `<ul>\n${b.items.map((i) => `<li>${html(i)}</li>`).join('\n')}\n</ul>`;
    case 'fields':
      return `<table class="fields">\n${b.rows.map(([k, v]) => `<tr><th scope="row">${html(k)}</th><td>${html(v)}</td></tr>`).join('\n')}\n</table>`;
    case 'table':
      return [
        '<table>',
        `<thead><tr>${b.head.map((h) => `<th scope="col">${html(h)}</th>`).join('')}</tr></thead>`,
        '<tbody>',
        ...b.rows.map((row) => `<tr>${row.map((c) => `<td>${html(c)}</td>`).join('')}</tr>`),
        '</tbody>',
        '</table>',
      ].join('\n');
  }
}

/**
 * Print first: A4 pages, black on white, no navigation or buttons, nothing loaded from elsewhere
 * (an archived page must render the same in ten years). Colour only repeats what the status word
 * and symbol already say.
 */
const CSS = `@page { size: A4; margin: 16mm 14mm 18mm; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 182mm; padding: 10mm 0; color: #111; background: #fff; font: 10pt/1.45 "Helvetica Neue", Arial, "Liberation Sans", sans-serif; }
h1 { font-size: 16pt; margin: 0 0 4mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; padding-bottom: 0.5mm; border-bottom: 0.75pt solid #444; break-after: avoid; page-break-after: avoid; }
p, ul { margin: 1.5mm 0; }
table { width: 100%; border-collapse: collapse; margin: 2mm 0; font-size: 9pt; }
th, td { border: 0.5pt solid #777; padding: 1mm 1.5mm; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
thead th { background: #eee; }
table.fields th { width: 32%; font-weight: 600; background: #f6f6f6; }
tr { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
.status { display: inline-block; margin: 1mm 0 2mm; padding: 1.5mm 3mm; font-size: 13pt; font-weight: 700; border: 2pt solid #111; }
.status-pass { border-color: #1a7f37; }
.status-fail { border-color: #b42318; }
.status-aborted, .status-inconclusive { border-color: #9a6700; }
@media print { body { max-width: none; padding: 0; } .status { border-color: #111; } }`;

export function renderDrillReportHtml(r: DrillReport): string {
  const body = reportOutline(r)
    .map((s) => `<section>\n<h2>${html(s.title)}</h2>\n${s.blocks.map(htmlBlock).join('\n')}\n</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(`${reportTitle(r)} (${r.identity.runId})`)}</title>
<style>
${CSS}
</style>
</head>
<body>
<h1>${html(reportTitle(r))}</h1>
${body}
</body>
</html>
`;
}
