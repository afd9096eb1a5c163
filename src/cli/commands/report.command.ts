import { readReportFiles } from '../../adapters/files/report-files.js';
import { chainOrder, verifyChain, verifyRecord, type RecordVerification } from '../../core/drills/report-chain.js';
import { EXIT, type CliIo } from '../io.js';

/**
 * `vigil report verify PATH`: a report file on its own (its text is what was sealed), or a
 * folder as one chain from its first report, ordered by sequence. Prints OK for each report up
 * to the first break, then the break; exit 0 only when everything verifies.
 */
export async function reportVerifyCommand(path: string, io: CliIo): Promise<number> {
  let read;
  try {
    read = await readReportFiles(path, io.cwd);
  } catch (err) {
    io.err(`vigil: ${(err as Error).message}\n`);
    return EXIT.usage;
  }
  if (read.files.length === 0) {
    io.err(`${path}: no report (*.json) to verify\n`);
    return EXIT.problems;
  }
  if (!read.folder) {
    const r = verifyRecord(read.files[0]!);
    const problem = r.integrity ?? r.link;
    if (problem) {
      io.err(`BROKEN ${r.name}: ${problem}\n`);
      return EXIT.problems;
    }
    io.out(`${okLine(r)}\n1 report verified (its own hash; verify the folder to check its links)\n`);
    return EXIT.ok;
  }
  const v = verifyChain(chainOrder(read.files));
  // OK only for what precedes every problem; the break named may lie further on (see firstBreak).
  const clean = v.results.findIndex((r) => r.integrity !== null || r.link !== null);
  const verified = clean === -1 ? v.results : v.results.slice(0, clean);
  for (const r of verified) io.out(`${okLine(r)}\n`);
  if (v.firstBreak) {
    io.err(`BROKEN ${v.firstBreak.name}: ${v.firstBreak.reason}\n`);
    io.err(`chain broken: ${verified.length} of ${v.results.length} report(s) verified\n`);
    return EXIT.problems;
  }
  io.out(`${v.results.length} report(s) verified; chain head ${v.results.at(-1)!.hash}\n`);
  return EXIT.ok;
}

function okLine(r: RecordVerification): string {
  return `OK ${r.name} (sequence ${r.sequence}, hash ${r.hash})`;
}
