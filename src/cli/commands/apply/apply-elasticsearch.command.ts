import { EXIT, type CliIo } from '../../io.js';

export interface ApplyElasticsearchOptions {
  readonly url: string;
  readonly dryRun: boolean;
  readonly [option: string]: unknown;
}

/** `vigil apply elasticsearch` (stub: issue #3). */
export async function applyElasticsearchCommand(_opts: ApplyElasticsearchOptions, io: CliIo): Promise<number> {
  io.err('vigil apply elasticsearch is not implemented yet\n');
  return EXIT.problems;
}
