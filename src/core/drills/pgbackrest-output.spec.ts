import { archivedWalNames, backupHistory, latestBackup, verifyProblems, type PgBackRestBackup } from './pgbackrest-output.js';

// As pgBackRest 2.45 printed them for a stanza with a full and an incremental backup (fields we do not read left out).
const backup = (label: string, type: string, start: number, wal: [string, string], reference: string[] | null) => ({
  archive: { start: wal[0], stop: wal[1] },
  backrest: { format: 5, version: '2.45' },
  database: { id: 1, 'repo-key': 1 },
  error: false,
  label,
  lsn: { start: '0/5000028', stop: '0/5000100' },
  prior: reference?.[0] ?? null,
  reference,
  timestamp: { start, stop: start + 3 },
  type,
});
const info = (backups: unknown[], status = { code: 0, message: 'ok' }) =>
  JSON.stringify([
    {
      archive: [{ database: { id: 1, 'repo-key': 1 }, id: '15-1', max: '000000010000000000000009', min: '000000010000000000000004' }],
      backup: backups,
      cipher: 'none',
      db: [{ id: 1, 'repo-key': 1, version: '15' }],
      name: 'demo',
      status,
    },
  ]);

describe('pgbackrest info --output=json', () => {
  it('gives the newest backup with its WAL range, archive folder and the backups it references', () => {
    const text = info([
      backup('20261129-132034F_20261129-132127I', 'incr', 1795958487, ['000000010000000000000008', '000000010000000000000008'], ['20261129-132034F']),
      backup('20261129-132034F', 'full', 1795958434, ['000000010000000000000005', '000000010000000000000005'], null),
    ]);
    expect(latestBackup(text, 'demo')).toEqual<PgBackRestBackup>({
      label: '20261129-132034F_20261129-132127I',
      type: 'incr',
      startedAt: new Date('2026-11-29T13:21:27Z'),
      stoppedAt: new Date('2026-11-29T13:21:30Z'),
      archiveStart: '000000010000000000000008',
      archiveStop: '000000010000000000000008',
      archiveId: '15-1',
      repoKey: 1,
      references: ['20261129-132034F'],
    });
  });

  it.each([
    ['a stanza without backups, with pgBackRest’s reason', info([], { code: 2, message: 'no valid backups' }), 'demo', 'stanza "demo" has no backup (pgbackrest info: no valid backups)'],
    ['another stanza', info([]), 'orders', 'pgbackrest info knows no stanza "orders"'],
    ['a backup taken with archive-check off', info([{ ...backup('20261129-132034F', 'full', 1795958434, ['', ''], null), archive: { start: null, stop: null } }]), 'demo', 'backup 20261129-132034F of stanza "demo" names no WAL segments (taken with archive-check off?)'],
  ])('refuses %s', (_, text, stanza, message) => {
    expect(() => latestBackup(text, stanza)).toThrow(message);
  });
});

describe('pgbackrest repo-ls of an archive folder', () => {
  it('gives WAL file names without the checksum and compression suffix, backup labels as they are', () => {
    const listing = JSON.stringify({
      '.': { type: 'path' },
      '0000000100000000': { type: 'path' },
      '0000000100000000/000000010000000000000004-1648eae90421632b81878e9d155adca32ee53b10': { type: 'file', size: 16777216, time: 1795958434 },
      '0000000100000000/000000010000000000000005.00000028.backup': { type: 'file', size: 371, time: 1795958438 },
      '0000000100000000/000000010000000000000006-2a00d10a1de8c8c78040faadc0b2690c440692d0.gz': { type: 'file', size: 17159, time: 1795958439 },
      '0000000100000000/000000010000000000000007-64fbf4bf70f6dd530b52525b549b584953e4c5ae.lz4': { type: 'file', size: 90000, time: 1795958487 },
      '0000000100000000/000000010000000000000008-2254e4e963165d1db22c22c502ad8c364e1ba7b1.zst': { type: 'file', size: 9000, time: 1795958489 },
      '0000000100000000/000000010000000000000009.partial-1007ebbcc99a668acc6df4b3aca5e21659a8499b.bz2': { type: 'file', size: 9000, time: 1795958490 },
      '00000002.history-9b544a3ae8575a5fc07ffc7311c6760049636b60.gz': { type: 'file', size: 60, time: 1795958490 },
    });
    expect(archivedWalNames(listing)).toEqual([
      '000000010000000000000004',
      '000000010000000000000005.00000028.backup',
      '000000010000000000000006',
      '000000010000000000000007',
      '000000010000000000000008',
      '000000010000000000000009.partial',
      '00000002.history',
    ]);
  });
});

describe('pgbackrest verify --log-level-console=info', () => {
  const scope = {
    stanza: 'demo',
    backup: { label: '20261129-132034F_20261129-132127I', references: ['20261129-132034F'], archiveId: '15-1', archiveStart: '000000010000000000000008' },
  };
  const log = (...lines: string[]) =>
    [
      '2026-11-29 13:20:28.380 P00   INFO: verify command begin 2.45: --exec-id=20121-2dd16dca --log-level-console=info --stanza=demo',
      ...lines.map((l) => `2026-11-29 13:20:28.462 P01   INFO: ${l}`),
      '2026-11-29 13:20:28.642 P00   INFO: stanza: demo',
      '                                    status: error',
      '2026-11-29 13:20:28.642 P00   INFO: verify command end: completed successfully (267ms)',
    ].join('\n');

  it.each([
    ['names nothing in a clean repository', log(), []],
    ['names a damaged file of the backup', log("invalid checksum '20261129-132034F_20261129-132127I/pg_data/base/5/16384'"), ["invalid checksum 'backup/demo/20261129-132034F_20261129-132127I/pg_data/base/5/16384'"]],
    ['names a damaged file of the full backup it references', log("invalid size '20261129-132034F/pg_data/base/5/1259'"), ["invalid size 'backup/demo/20261129-132034F/pg_data/base/5/1259'"]],
    ['names a damaged WAL segment that recovery replays', log("invalid checksum '15-1/0000000100000000/000000010000000000000009-c62cf8b1695b8dc156e8be886ddb2ba4c1e4b1f8'"), ["invalid checksum 'archive/demo/15-1/0000000100000000/000000010000000000000009-c62cf8b1695b8dc156e8be886ddb2ba4c1e4b1f8'"]],
    ['names a file it could not read, with the error', log('invalid result 20261129-132034F/pg_data/PG_VERSION: [41] raised from local-1 protocol: unable to read'), ["invalid result 'backup/demo/20261129-132034F/pg_data/PG_VERSION': [41] raised from local-1 protocol: unable to read"]],
    ['leaves out damage in an older backup and in WAL before this backup', log("invalid checksum '20261101-010000F/pg_data/base/5/16384'", "file missing '15-1/0000000100000000/000000010000000000000007-64fbf4bf70f6dd530b52525b549b584953e4c5ae'"), []],
  ])('%s', (_, output, problems) => {
    expect(verifyProblems(output, scope)).toEqual(problems);
  });
});

describe('pgbackrest info --output=json, for backup health', () => {
  it('lists every backup oldest first with its repository size, and flags one pgBackRest marked in error', () => {
    const sized = (label: string, start: number, repo: number, error = false) => ({ ...backup(label, 'full', start, ['000000010000000000000004', '000000010000000000000004'], null), info: { size: repo * 3, repository: { size: repo, delta: repo } }, error });
    expect(backupHistory(info([sized('B', 2000, 900), sized('A', 1000, 1000), sized('C', 3000, 400, true)]), 'demo')).toEqual([
      { label: 'A', finishedAt: new Date(1003_000), sizeBytes: 1000, error: false },
      { label: 'B', finishedAt: new Date(2003_000), sizeBytes: 900, error: false },
      { label: 'C', finishedAt: new Date(3003_000), sizeBytes: 400, error: true },
    ]);
  });
});
