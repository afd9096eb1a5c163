import { readFileSync } from 'node:fs';
import { envOf, execForm, parseContainerfile, stage } from './containerfile.js';

/**
 * What the image promises that no container runtime here can show by running it
 * (production-start.int-spec.ts runs what it builds): the Node line as a build argument, a
 * non-root numeric user, node as PID 1 in exec form, and a build context of the sources only.
 */
const text = readFileSync('Containerfile', 'utf8');
const image = parseContainerfile(text);
const runtime = stage(image, 'runtime');
const runs = (name: string) => stage(image, name).instructions.filter((i) => i.op === 'RUN').map((i) => i.args);

describe('Containerfile', () => {
  it('builds in three stages, each on the Node line given by the NODE_VERSION argument (default 22)', () => {
    expect(image.args).toEqual({ NODE_VERSION: '22' });
    expect(image.stages.map((s) => s.name)).toEqual(['build', 'deps', 'runtime']);
    for (const s of image.stages) expect(s.from).toContain('${NODE_VERSION}');
    expect(runtime.from).toBe('gcr.io/distroless/nodejs${NODE_VERSION}-debian12:nonroot');
  });

  it('compiles as `npm test` does before the tests (the replay takes the checkout for the build stage), then writes REVISION (which the replay runs itself)', () => {
    expect(runs('build')).toEqual(['npm ci --ignore-scripts', 'npm run build', `printf '%s\\n' "$REVISION" > REVISION`]);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.pretest).toMatch(/npm run build$/);
  });

  it('installs production dependencies without running install scripts (prepare would call tsc, a dev dependency)', () => {
    expect(runs('deps')).toEqual(['npm ci --omit=dev --omit=optional --ignore-scripts']);
  });

  it('runs node dist/main.js as PID 1, in exec form, as a numeric non-root user, in production mode, with no shell step', () => {
    expect([...execForm(runtime, 'ENTRYPOINT'), ...execForm(runtime, 'CMD')]).toEqual(['/nodejs/bin/node', 'dist/main.js']);
    const user = runtime.instructions.find((i) => i.op === 'USER')!.args;
    expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(envOf(runtime)).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', PORT: '3000' });
    expect(runs('runtime')).toEqual([]);
  });

  it('writes only below /var/lib/vigil, the emptyDir of deploy/kubernetes', () => {
    const env = envOf(runtime);
    expect([env.VIGIL_OUT_DIR, env.VIGIL_DATA_DIR]).toEqual(['/var/lib/vigil/out', '/var/lib/vigil/data']);
  });

  it('sends a build context of exactly what the stages copy from it (.dockerignore), so no .vigil/ or .git', () => {
    const fromContext = image.stages
      .flatMap((s) => s.instructions)
      .filter((i) => i.op === 'COPY' && !i.args.includes('--from='))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    const ignore = readFileSync('.dockerignore', 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    expect(ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, '')).sort()).toEqual([...new Set(fromContext)].sort());
  });
});

describe('the replay refuses what it would not reproduce', () => {
  it.each([
    ['a shell-form CMD, whose sh would get the signals', 'FROM x AS runtime\nCMD node dist/main.js', (t: string) => execForm(stage(parseContainerfile(t), 'runtime'), 'CMD'), /CMD is not in exec form: node dist\/main.js/],
    ['an instruction it does not replay', 'FROM x AS runtime\nVOLUME /data', (t: string) => parseContainerfile(t), /instruction VOLUME is not replayed/],
    ['a stage that does not exist', 'FROM x AS build', (t: string) => stage(parseContainerfile(t), 'runtime'), /no stage runtime/],
  ])('%s', (_case, file, read, error) => {
    expect(() => read(file)).toThrow(error);
  });
});
