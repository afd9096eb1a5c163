/** Where a command writes; tests pass their own to read what a user would see. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  cwd: process.cwd(),
};

export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;
