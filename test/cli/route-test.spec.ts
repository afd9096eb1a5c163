import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vigil } from '../support/cli.js';

/** `vigil route test` against the repository's own slos/oncall.yaml. */
const ROOT = process.cwd();
const AT = '2026-10-20T12:00:00Z';

describe('vigil route test', () => {
  it('prints the route, the policy and who each level pages', async () => {
    const r = await vigil(ROOT, 'route', 'test', '--at', AT, 'service=api-gateway', 'severity=critical');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`at           2026-10-20T12:00:00.000Z
route        critical (severity="critical")
policy       critical
urgency      high
maintenance  none

level 1 at once
  on call in primary: ben
  pagerduty routing key from file /etc/vigil/secrets/pagerduty-routing-key
  slack #alerts-critical
  email devops@greenlang.io
  slack U01BENOKAF (ben)
  email ben@greenlang.io (ben)
level 2 after 15m
  on call in secondary: ana
  slack U01ANAORTZ (ana)
  email ana@greenlang.io (ana)
repeat       1 more time(s), 15m after the last level
ack timeout  30m
fallback     email devops@greenlang.io
`);
  });

  it.each([
    ['a warning is low urgency: #alerts-warning only, no escalation', ['severity=warning'], 'warning', 'low', 1],
    ['an alert without a severity goes to the default policy', ['service=redis'], 'default', 'high', 1],
  ])('%s (--json)', async (_, labels, route, urgency, levels) => {
    const r = await vigil(ROOT, 'route', 'test', '--json', '--at', AT, ...labels);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { route: string; urgency: string; snapshot: { levels: unknown[] } };
    expect([json.route, json.urgency, json.snapshot.levels.length]).toEqual([route, urgency, levels]);
  });

  it.each([
    [['route', 'test', 'severity'], 'vigil route test: "severity" is not a label: write name=value, e.g. service=payments severity=critical\n'],
    [['route', 'test', 'a=1', 'a=2'], 'vigil route test: label "a" is given twice\n'],
    [['route', 'test', '--at', 'tomorrow', 'a=1'], 'vigil route test: --at "tomorrow" must be an RFC 3339 time such as 2025-11-24T16:00:00Z or epoch seconds, between 1970 and 2100\n'],
    [['route', 'test', '--slos', 'no-such-folder', 'a=1'], 'vigil route test: cannot read specs: spec folder no-such-folder does not exist\n'],
  ])('exits 2 on bad input: %j', async (argv, err) => {
    expect(await vigil(ROOT, ...argv)).toEqual({ code: 2, out: '', err });
  });

  it('exits 1 when the folder has no OnCall spec', async () => {
    const r = await vigil(ROOT, 'route', 'test', '--slos', 'test/golden/native-ratio/slos', 'a=1');
    expect(r).toEqual({ code: 1, out: '', err: 'vigil route test: no kind: OnCall spec in test/golden/native-ratio/slos (docs/oncall-spec.md)\n' });
  });

  it('exits 1 listing the problems of a broken spec, as vigil validate does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-route-'));
    try {
      await cp(join(ROOT, 'slos'), join(dir, 'slos'), { recursive: true });
      const file = join(dir, 'slos/oncall.yaml');
      await writeFile(file, (await readFile(file, 'utf8')).replace('participants: [ana, ben, chloe, dev]', 'participants: [ana, ben, chloe, devv]'));
      const r = await vigil(dir, 'route', 'test', 'severity=critical');
      expect(r.code).toBe(1);
      expect(r.err).toBe('slos/oncall.yaml:34:41: no person named "devv", did you mean "dev"?\n1 problem(s); run vigil validate\n');
      expect((await vigil(dir, 'validate')).err).toBe('slos/oncall.yaml:34:41: no person named "devv", did you mean "dev"?\n1 problem(s) in 1 file(s)\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
