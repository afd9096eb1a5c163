import { EXIT, type CliIo } from '../../io.js';

export interface ApplyGrafanaOptions {
  readonly url: string;
  readonly dryRun: boolean;
  readonly [option: string]: unknown;
}

/** `vigil apply grafana` (stub: issue #3). */
export async function applyGrafanaCommand(_opts: ApplyGrafanaOptions, io: CliIo): Promise<number> {
  io.err('vigil apply grafana is not implemented yet\n');
  return EXIT.problems;
}
