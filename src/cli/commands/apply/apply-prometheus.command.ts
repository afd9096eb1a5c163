import { EXIT, type CliIo } from '../../io.js';

export interface ApplyPrometheusOptions {
  readonly url: string;
  readonly dryRun: boolean;
  readonly [option: string]: unknown;
}

/** `vigil apply prometheus` (stub: issue #3). */
export async function applyPrometheusCommand(_opts: ApplyPrometheusOptions, io: CliIo): Promise<number> {
  io.err('vigil apply prometheus is not implemented yet\n');
  return EXIT.problems;
}
