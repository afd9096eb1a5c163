import { LocalSpecFiles } from '../../adapters/files/spec-files.js';
import { LABEL_NAME_RE } from '../../core/definitions/fields.js';
import { formatDiagnostic } from '../../core/diagnostics.js';
import { formatDuration } from '../../core/duration.js';
import type { PageTarget, SnapshotLevel } from '../../core/model/page-target.js';
import { parseTimeText, TIME_TEXT_HELP } from '../../core/time-text.js';
import { routeTestFromSpecs, type RouteTestResult } from '../../usecases/route-test.js';
import { EXIT, type CliIo } from '../io.js';

export interface RouteTestOptions {
  readonly slos: string;
  /** RFC 3339 or epoch seconds; default now. */
  readonly at?: string;
  readonly json: boolean;
}

/**
 * `vigil route test service=payments severity=critical`: which route and policy take the alert
 * and who would be paged at each level, from the OnCall spec in the folder. Exit 1 when the specs
 * have problems or no OnCall spec, 2 on bad arguments.
 */
export async function routeTestCommand(args: readonly string[], opts: RouteTestOptions, io: CliIo): Promise<number> {
  const labels: Record<string, string> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (eq < 0 || !LABEL_NAME_RE.test(name)) {
      io.err(`vigil route test: "${arg}" is not a label: write name=value, e.g. service=payments severity=critical\n`);
      return EXIT.usage;
    }
    if (Object.hasOwn(labels, name)) {
      io.err(`vigil route test: label "${name}" is given twice\n`);
      return EXIT.usage;
    }
    labels[name] = arg.slice(eq + 1);
  }
  const seconds = opts.at === undefined ? Date.now() / 1000 : parseTimeText(opts.at);
  if (seconds === undefined) {
    io.err(`vigil route test: --at "${opts.at}" ${TIME_TEXT_HELP}\n`);
    return EXIT.usage;
  }
  const outcome = await routeTestFromSpecs(new LocalSpecFiles(io.cwd), { slosDir: opts.slos, labels, at: new Date(seconds * 1000) });
  if ('ioError' in outcome) {
    io.err(`vigil route test: ${outcome.ioError.message}\n`);
    return EXIT.usage;
  }
  if ('problems' in outcome) {
    for (const d of outcome.problems) io.err(`${formatDiagnostic(d)}\n`);
    io.err(outcome.missing ? `vigil route test: no kind: OnCall spec in ${opts.slos} (docs/oncall-spec.md)\n` : `${outcome.problems.length} problem(s); run vigil validate\n`);
    return EXIT.problems;
  }
  io.out(opts.json ? `${JSON.stringify(outcome.result, null, 2)}\n` : text(outcome.result));
  return EXIT.ok;
}

function text(r: RouteTestResult): string {
  const s = r.snapshot;
  const lines = [
    `at           ${r.at}`,
    `route        ${r.route}${r.matchedBy.length > 0 ? ` (${r.matchedBy.join(', ')})` : r.route === 'default' ? ' (no route matched)' : ''}`,
    `policy       ${r.policy}`,
    `urgency      ${r.urgency}${r.urgency === 'low' ? ': level 1 is notified, nobody is escalated to' : ''}`,
    `maintenance  ${r.maintenance ? `${r.maintenance.name} until ${r.maintenance.to}: suppressed, nobody would be paged` : 'none'}`,
    '',
    ...s.levels.flatMap(level),
    `repeat       ${s.repeat === 0 ? 'no' : `${s.repeat} more time(s), ${formatDuration(s.repeatAfterSeconds)} after the last level`}`,
    `ack timeout  ${s.ackTimeoutSeconds === null ? 'none' : formatDuration(s.ackTimeoutSeconds)}`,
    `fallback     ${s.fallback.length === 0 ? 'none' : s.fallback.map(target).join(', ')}`,
  ];
  return `${lines.join('\n')}\n`;
}

function level(l: SnapshotLevel): string[] {
  const when = l.afterSeconds === 0 ? 'at once' : `after ${formatDuration(l.afterSeconds)}`;
  const onCall = Object.entries(l.onCall).map(([schedule, people]) => `  on call in ${schedule}: ${people.length > 0 ? people.join(', ') : 'nobody'}`);
  if (l.skipped) return [`level ${l.level} ${when}: skipped, ${l.skipped}`, ...onCall];
  return [`level ${l.level} ${when}`, ...onCall, ...l.targets.map((t) => `  ${target(t)}`)];
}

function target(t: PageTarget): string {
  const who = t.who ? ` (${t.who})` : '';
  switch (t.sink) {
    case 'pagerduty':
      return `pagerduty routing key from ${'file' in t.routingKey ? `file ${t.routingKey.file}` : `env ${t.routingKey.env}`}${who}`;
    case 'slack':
      return `slack ${t.channel}${who}`;
    case 'email':
      return `email ${t.address}${who}`;
    case 'webhook':
      return `webhook ${t.url}${who}`;
  }
}
