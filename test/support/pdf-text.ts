import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PdfFacts {
  readonly pages: number;
  /** Page size in PostScript points, as pdfinfo reports it ("595.28 x 841.89 pts (A4)"). */
  readonly pageSize: string;
  /** The text, in reading order, as poppler's pdftotext extracts it. */
  readonly text: string;
}

/**
 * What a PDF says, read by poppler-utils (Debian's pdftotext and pdfinfo, installed by
 * scripts/ensure-test-tools.sh, as Chromium is). No devDependency reads PDF; pdf.js, the
 * well-kept one for Node, needs Node 22.13 since 5.7 (this project runs on 20), and poppler adds
 * no npm dependency at all.
 */
export async function readPdf(pdf: Buffer): Promise<PdfFacts> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-pdf-'));
  try {
    const file = join(dir, 'report.pdf');
    await writeFile(file, pdf);
    const [info, text] = await Promise.all([run('pdfinfo', [file]), run('pdftotext', ['-enc', 'UTF-8', file, '-'], { maxBuffer: 32 * 1024 * 1024 })]);
    const field = (name: string) => new RegExp(`^${name}:\\s+(.+)$`, 'm').exec(info.stdout)?.[1] ?? '';
    return { pages: Number(field('Pages')), pageSize: field('Page size'), text: text.stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
