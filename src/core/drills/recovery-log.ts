/**
 * What a PostgreSQL server log says about a recovery it ran: where redo started and ended, the
 * last transaction it replayed (the point actually reached, which an auditor compares with the
 * point requested), whether a recovery target was reached, and the timeline it switched to.
 * The server log is the only place PostgreSQL states the achieved point; the messages are stable
 * across 12–18 (xlogrecovery.c). Parsed from lines of the default log_line_prefix or any other:
 * only the message part is read.
 */
export interface RecoveryLog {
  readonly redoStartLsn: string | null;
  readonly redoDoneLsn: string | null;
  /** "last completed transaction was at log time …": the commit time of the last replayed transaction. */
  readonly lastCompletedTransactionAt: Date | null;
  /** A recovery target stopped replay: before/after which transaction, and its commit time. */
  readonly stoppedAt: { readonly transaction: number; readonly at: Date; readonly before: boolean } | null;
  readonly consistentAtLsn: string | null;
  readonly newTimeline: number | null;
  readonly archiveRecoveryComplete: boolean;
  /** FATAL: recovery ended before the configured recovery target was reached. */
  readonly endedBeforeTarget: boolean;
  /** FATAL and PANIC lines, as written. */
  readonly fatal: readonly string[];
}

const LSN = '([0-9A-F]+/[0-9A-F]+)';
const TIME = '(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:[+-]\\d{2}(?::?\\d{2})?| [A-Z]{2,5})?)';

export function parseRecoveryLog(text: string): RecoveryLog {
  let redoStartLsn: string | null = null;
  let redoDoneLsn: string | null = null;
  let lastCompletedTransactionAt: Date | null = null;
  let stoppedAt: RecoveryLog['stoppedAt'] = null;
  let consistentAtLsn: string | null = null;
  let newTimeline: number | null = null;
  let archiveRecoveryComplete = false;
  let endedBeforeTarget = false;
  const fatal: string[] = [];
  for (const line of text.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`redo starts at ${LSN}`).exec(line))) redoStartLsn = m[1]!;
    else if ((m = new RegExp(`redo done at ${LSN}`).exec(line))) redoDoneLsn = m[1]!;
    else if ((m = new RegExp(`last completed transaction was at log time ${TIME}`).exec(line))) lastCompletedTransactionAt = logTime(m[1]!);
    else if ((m = new RegExp(`recovery stopping (before|after) commit of transaction (\\d+), time ${TIME}`).exec(line))) {
      stoppedAt = { transaction: Number(m[2]), at: logTime(m[3]!), before: m[1] === 'before' };
    } else if ((m = new RegExp(`consistent recovery state reached at ${LSN}`).exec(line))) consistentAtLsn = m[1]!;
    else if ((m = /selected new timeline ID: (\d+)/.exec(line))) newTimeline = Number(m[1]);
    else if (line.includes('archive recovery complete')) archiveRecoveryComplete = true;
    if (line.includes('recovery ended before configured recovery target was reached')) endedBeforeTarget = true;
    if (/\b(FATAL|PANIC):/.test(line)) fatal.push(line.trim());
  }
  return { redoStartLsn, redoDoneLsn, lastCompletedTransactionAt, stoppedAt, consistentAtLsn, newTimeline, archiveRecoveryComplete, endedBeforeTarget, fatal };
}

/** PostgreSQL's log time: `2026-11-29 12:00:01.123456+00`, or with a zone abbreviation (`UTC`, `GMT`) as log_timezone prints it. */
function logTime(text: string): Date {
  const m = /^(\S+) (\d{2}:\d{2}:\d{2})(\.\d+)?(.*)$/.exec(text)!;
  const fraction = (m[3] ?? '').slice(0, 4); // JavaScript dates hold ms
  const zone = m[4]!.trim();
  const offset = zone === '' || /^[A-Z]+$/.test(zone) ? (zone === '' || zone === 'UTC' || zone === 'GMT' ? 'Z' : null) : normaliseOffset(zone);
  if (offset === null) throw new Error(`log time "${text}" has a zone abbreviation other than UTC/GMT; set log_timezone = 'UTC' on the drill's cluster`);
  return new Date(`${m[1]}T${m[2]}${fraction}${offset}`);
}

function normaliseOffset(zone: string): string {
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
  return `${m[1]}${m[2]}:${m[3] ?? '00'}`;
}
