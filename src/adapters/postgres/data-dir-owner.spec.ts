import {
  classifyDataDir,
  formatOwnerRecord,
  parseOwnerRecord,
  parsePostmasterPid,
  parseProcStat,
  type DataDirFacts,
  type DataDirState,
} from './data-dir-owner.js';

// What PostgreSQL 18 wrote for a server started by the embedded package (no Unix socket).
const READY = '4723\n/tmp/v/data/pgdata\n1795943919\n43193\n\n127.0.0.1\n  2147033         4\nready   \n';

describe('parsePostmasterPid', () => {
  it('reads pid, data dir, port and status from a running server’s file', () => {
    expect(parsePostmasterPid(READY)).toEqual({ pid: 4723, dataDir: '/tmp/v/data/pgdata', port: 43193, status: 'ready' });
  });

  it('reads a file postgres is still writing (lines 1–5 only) without a status', () => {
    expect(parsePostmasterPid('4723\n/tmp/v/data/pgdata\n1795943919\n43193\n\n')).toEqual({ pid: 4723, dataDir: '/tmp/v/data/pgdata', port: 43193 });
  });

  it('takes the absolute value of a single-user backend’s negative pid', () => {
    expect(parsePostmasterPid(READY.replace('4723', '-4723'))?.pid).toBe(4723);
  });

  it.each([
    ['an empty file', ''],
    ['a pid that is not a number', READY.replace('4723', 'x')],
    ['a pid of 0', READY.replace('4723', '0')],
    ['no port line', '4723\n/tmp/v/data/pgdata\n1795943919\n'],
  ])('refuses %s', (_case, text) => expect(parsePostmasterPid(text)).toBeUndefined());
});

describe('parseProcStat', () => {
  const stat = (comm: string) => `4723 (${comm}) S 1 4723 4723 0 -1 4194560 900 0 0 0 1 2 0 0 20 0 1 0 123456 1000 10 0 0\n`;

  it('reads state, parent and start time', () => {
    expect(parseProcStat(stat('postgres'))).toEqual({ state: 'S', parentPid: 1, startTime: '123456' });
  });

  it('reads past a command name with spaces and parentheses', () => {
    expect(parseProcStat(stat('a) b (c'))).toEqual({ state: 'S', parentPid: 1, startTime: '123456' });
  });

  it('refuses a truncated line', () => expect(parseProcStat('4723 (postgres) S 1 2')).toBeUndefined());
});

describe('owner records', () => {
  it.each([
    [{ pid: 812, startTime: '99' }, '812\n99\n'],
    [{ pid: 812 }, '812\n\n'],
  ])('%j round-trips through %j', (record, text) => {
    expect(formatOwnerRecord(record)).toBe(text);
    expect(parseOwnerRecord(text)).toEqual(record);
  });

  it.each(['', 'vigil\n', '0\n'])('refuses %j', (text) => expect(parseOwnerRecord(text)).toBeUndefined());
});

describe('classifyDataDir', () => {
  const databaseDir = '/srv/vigil/pgdata';
  const lock = { pid: 4723, dataDir: databaseDir, port: 43193, status: 'ready' };
  const postgresOf = (parentPid: number) => ({ running: true, parentPid, startTime: '500', cwd: databaseDir });
  const owner = { pid: 812, startTime: '400' };
  const vigil = { running: true, parentPid: 1, startTime: '400', cwd: '/srv/vigil' };

  it.each<[string, Omit<DataDirFacts, 'databaseDir'>, DataDirState]>([
    ['a fresh folder is free', {}, { kind: 'free' }],
    ['a lock file whose process is gone is free: postgres replaces it itself', { postmasterPid: lock, postmaster: { running: false } }, { kind: 'free' }],
    [
      'a lock file whose process is a zombie is a stale lock (postgres would take it for a live server)',
      { postmasterPid: lock, postmaster: { running: false, zombie: true, parentPid: 1 }, owner, ownerProcess: { running: false } },
      { kind: 'stale-lock', pid: 4723 },
    ],
    [
      'a server whose Vigil was killed is an orphan, named with its former owner',
      { postmasterPid: lock, postmaster: postgresOf(1), owner, ownerProcess: { running: false } },
      { kind: 'orphan', pid: 4723, port: 43193, formerOwnerPid: 812 },
    ],
    ['a server with no owner record (left by an older Vigil) is an orphan', { postmasterPid: lock, postmaster: postgresOf(1) }, { kind: 'orphan', pid: 4723, port: 43193 }],
    [
      'a server whose owner PID now belongs to a later process (start time differs) is an orphan',
      { postmasterPid: lock, postmaster: postgresOf(1), owner, ownerProcess: { ...vigil, startTime: '900' } },
      { kind: 'orphan', pid: 4723, port: 43193, formerOwnerPid: 812 },
    ],
    [
      'a server that is not the owner’s child is an orphan (the owner is still stopping it)',
      { postmasterPid: lock, postmaster: postgresOf(1), owner, ownerProcess: vigil },
      { kind: 'orphan', pid: 4723, port: 43193, formerOwnerPid: 812 },
    ],
    [
      'a server started by a live owner is owned, with its address',
      { postmasterPid: lock, postmaster: postgresOf(812), owner, ownerProcess: vigil },
      { kind: 'owned', ownerPid: 812, server: { pid: 4723, port: 43193, ready: true } },
    ],
    [
      'a server still starting is owned but not ready',
      { postmasterPid: { ...lock, status: 'starting' }, postmaster: postgresOf(812), owner, ownerProcess: vigil },
      { kind: 'owned', ownerPid: 812, server: { pid: 4723, port: 43193, ready: false } },
    ],
    ['a live owner that has not started postgres yet owns the folder, with no server', { owner, ownerProcess: vigil }, { kind: 'owned', ownerPid: 812 }],
    [
      'without /proc (no parent, start time or cwd known) a live owner PID is trusted',
      { postmasterPid: lock, postmaster: { running: true }, owner: { pid: 812 }, ownerProcess: { running: true } },
      { kind: 'owned', ownerPid: 812, server: { pid: 4723, port: 43193, ready: true } },
    ],
    [
      'a lock file whose PID now belongs to a process working elsewhere is a stale lock',
      { postmasterPid: lock, postmaster: { running: true, parentPid: 1, startTime: '7', cwd: '/' } },
      { kind: 'stale-lock', pid: 4723 },
    ],
    [
      'a live owner with a stale lock file owns the folder (it is starting), with no server',
      { postmasterPid: lock, postmaster: { running: true, parentPid: 1, startTime: '7', cwd: '/' }, owner, ownerProcess: vigil },
      { kind: 'owned', ownerPid: 812 },
    ],
  ])('%s', (_case, facts, expected) => {
    expect(classifyDataDir({ databaseDir, ...facts })).toEqual(expected);
  });
});
