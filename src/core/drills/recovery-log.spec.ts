import { parseRecoveryLog } from './recovery-log.js';

// Lines as PostgreSQL 15 writes them with its default log_line_prefix ('%m [%p] ').
const LATEST = `
2026-11-29 12:00:01.101 UTC [4242] LOG:  starting archive recovery
2026-11-29 12:00:01.120 UTC [4242] LOG:  redo starts at 0/2000028
2026-11-29 12:00:01.130 UTC [4242] LOG:  consistent recovery state reached at 0/2000100
2026-11-29 12:00:01.300 UTC [4242] LOG:  redo done at 0/5000060 system usage: CPU: user: 0.00 s, system: 0.00 s, elapsed: 0.18 s
2026-11-29 12:00:01.300 UTC [4242] LOG:  last completed transaction was at log time 2026-11-29 11:59:58.876543+00
2026-11-29 12:00:01.310 UTC [4242] LOG:  selected new timeline ID: 2
2026-11-29 12:00:01.400 UTC [4242] LOG:  archive recovery complete
`;

const TARGET = `
2026-11-29 12:00:01.120 UTC [4242] LOG:  redo starts at 0/2000028
2026-11-29 12:00:01.200 UTC [4242] LOG:  recovery stopping before commit of transaction 741, time 2026-11-29 11:58:00.5+00
2026-11-29 12:00:01.200 UTC [4242] LOG:  redo done at 0/3000148 system usage: CPU: user: 0.00 s, system: 0.00 s, elapsed: 0.08 s
2026-11-29 12:00:01.200 UTC [4242] LOG:  last completed transaction was at log time 2026-11-29 11:57:59.999+00
`;

const SHORT = `
2026-11-29 12:00:01.120 UTC [4242] LOG:  redo starts at 0/2000028
2026-11-29 12:00:01.200 UTC [4242] LOG:  redo done at 0/3000148 system usage: CPU: user: 0.00 s, system: 0.00 s, elapsed: 0.08 s
2026-11-29 12:00:01.200 UTC [4242] LOG:  last completed transaction was at log time 2026-11-29 11:50:00+00
2026-11-29 12:00:01.201 UTC [4242] FATAL:  recovery ended before configured recovery target was reached
2026-11-29 12:00:01.210 UTC [4240] LOG:  startup process (PID 4242) exited with exit code 1
`;

describe('the server log of a recovery', () => {
  it('gives redo start and end, the last replayed commit (µs cut to ms), the new timeline', () => {
    expect(parseRecoveryLog(LATEST)).toEqual({
      redoStartLsn: '0/2000028',
      redoDoneLsn: '0/5000060',
      lastCompletedTransactionAt: new Date('2026-11-29T11:59:58.876Z'),
      stoppedAt: null,
      consistentAtLsn: '0/2000100',
      newTimeline: 2,
      archiveRecoveryComplete: true,
      endedBeforeTarget: false,
      fatal: [],
    });
  });

  it('gives the transaction a recovery target stopped before, with its commit time', () => {
    expect(parseRecoveryLog(TARGET)).toMatchObject({ stoppedAt: { transaction: 741, at: new Date('2026-11-29T11:58:00.500Z'), before: true }, lastCompletedTransactionAt: new Date('2026-11-29T11:57:59.999Z') });
  });

  it('flags a recovery that ended before its target, with the FATAL line', () => {
    const log = parseRecoveryLog(SHORT);
    expect(log.endedBeforeTarget).toBe(true);
    expect(log.fatal).toEqual(['2026-11-29 12:00:01.201 UTC [4242] FATAL:  recovery ended before configured recovery target was reached']);
  });

  it.each([
    ['2026-11-29 11:59:58.876543+00', '2026-11-29T11:59:58.876Z'],
    ['2026-11-29 13:59:58+02', '2026-11-29T11:59:58.000Z'],
    ['2026-11-29 06:29:58.1-05:30', '2026-11-29T11:59:58.100Z'],
    ['2026-11-29 11:59:58.25 UTC', '2026-11-29T11:59:58.250Z'],
  ])('reads the log time %s', (text, iso) => {
    expect(parseRecoveryLog(`LOG:  last completed transaction was at log time ${text}`).lastCompletedTransactionAt?.toISOString()).toBe(iso);
  });

  it('refuses a zone abbreviation it cannot place rather than guess', () => {
    expect(() => parseRecoveryLog('LOG:  last completed transaction was at log time 2026-11-29 11:59:58 CET')).toThrow(/log_timezone = 'UTC'/);
  });
});
