import { execFile } from 'node:child_process';
import { cp, mkdir, rename } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One instruction of a Containerfile, continuation lines joined: `COPY --from=deps /app/x ./x`. */
export interface Instruction {
  readonly op: string;
  readonly args: string;
}

export interface Stage {
  readonly name: string;
  readonly from: string;
  readonly instructions: readonly Instruction[];
}

export interface Containerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  readonly args: Readonly<Record<string, string>>;
  readonly stages: readonly Stage[];
}

/** The subset of the Dockerfile syntax Vigil's Containerfile uses; anything else is refused, not skipped. */
export function parseContainerfile(text: string): Containerfile {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: { name: string; from: string; instructions: Instruction[] }[] = [];
  for (const line of lines) {
    const [, op, rest] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    if (!op || rest === undefined) throw new Error(`cannot read "${line}"`);
    const upper = op.toUpperCase();
    if (upper === 'FROM') {
      const [, from, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest) ?? [];
      stages.push({ name: name ?? String(stages.length), from: from!, instructions: [] });
    } else if (upper === 'ARG' && stages.length === 0) {
      const [name, value = ''] = rest.split('=');
      args[name!] = value;
    } else if (['WORKDIR', 'COPY', 'RUN', 'ENV', 'ARG', 'USER', 'EXPOSE', 'ENTRYPOINT', 'CMD'].includes(upper) && stages.length > 0) {
      stages.at(-1)!.instructions.push({ op: upper, args: rest });
    } else {
      throw new Error(`instruction ${upper} is not replayed by test/ship/containerfile.ts`);
    }
  }
  return { args, stages };
}

export function stage(file: Containerfile, name: string): Stage {
  const found = file.stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
}

/** `ENV A=1 B=2` as variables (values without spaces or quotes, as in Vigil's file). */
export function envOf(s: Stage): Record<string, string> {
  const pairs = s.instructions.filter((i) => i.op === 'ENV').flatMap((i) => i.args.split(/\s+/));
  return Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

/** An exec-form ENTRYPOINT/CMD (`["node", "x.js"]`); shell form is refused (signals would go to sh). */
export function execForm(s: Stage, op: 'ENTRYPOINT' | 'CMD'): string[] {
  const found = s.instructions.filter((i) => i.op === op).at(-1);
  if (!found) return [];
  const parsed: unknown = found.args.startsWith('[') ? JSON.parse(found.args) : undefined;
  if (!Array.isArray(parsed)) throw new Error(`${op} is not in exec form: ${found.args}`);
  return parsed as string[];
}

/**
 * Where each stage's files are on this machine: `/` of a replayed stage is a folder, and a stage
 * that is not replayed (the build, which `npm test` does before the tests) is mapped to a folder
 * that already holds its result. A `disposable` stage's files are moved, not copied, when a later
 * stage takes them: the same result, without copying node_modules (170 MB) on a slow disk.
 */
export type StageRoots = Map<string, { readonly path: (path: string) => string; readonly disposable?: boolean }>;

/**
 * Replays a stage's WORKDIR, COPY and RUN on the host, `root` standing for its `/`: what a
 * container build does, minus the base image. RUN goes through sh with the stage's ENV, as the
 * build would; `runEnv` adds to it (e.g. npm's cache settings for this machine).
 */
export async function replayStage(s: Stage, context: string, roots: StageRoots, root: string, runEnv: Record<string, string> = {}): Promise<string> {
  let workdir = '/';
  const at = (p: string) => join(root, isAbsolute(p) ? p : join(workdir, p));
  for (const { op, args } of s.instructions) {
    if (op === 'WORKDIR') {
      workdir = args;
      await mkdir(at('.'), { recursive: true });
    } else if (op === 'COPY') {
      const words = args.split(/\s+/);
      const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
      const paths = words.filter((w) => !w.startsWith('--'));
      const dest = paths.pop()!;
      for (const src of paths) {
        const origin = from ? roots.get(from) : undefined;
        const source = origin ? origin.path(src) : join(context, src);
        const target = dest.endsWith('/') ? join(at(dest), src.split('/').pop()!) : at(dest);
        await mkdir(dirname(target), { recursive: true });
        // Links kept as written, as a container build copies them (node_modules/.bin).
        await (origin?.disposable ? rename(source, target) : cp(source, target, { recursive: true, verbatimSymlinks: true }));
      }
    } else if (op === 'RUN') {
      await run('sh', ['-c', args], { cwd: at('.'), env: { ...process.env, ...envOf(s), ...runEnv }, maxBuffer: 16 * 1024 * 1024 });
    }
  }
  return at('.');
}
