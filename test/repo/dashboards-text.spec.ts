import { readdir, readFile } from 'node:fs/promises';

/** Grafana does not expand Alertmanager templates: what a panel says must read as text. */
describe('the committed dashboards', () => {
  it('show no alert template code in any panel description', async () => {
    const shown: string[] = [];
    for (const f of (await readdir('dashboards')).filter((n) => n.endsWith('.json'))) {
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') {
          for (const [k, x] of Object.entries(v)) {
            if (k === 'description' && typeof x === 'string' && /\{\{|\$labels|\$value/.test(x)) shown.push(`${f}: ${x.split('\n')[0]}`);
            else walk(x);
          }
        }
      };
      walk(JSON.parse(await readFile(`dashboards/${f}`, 'utf8')));
    }
    expect(shown).toEqual([]);
  });
});
