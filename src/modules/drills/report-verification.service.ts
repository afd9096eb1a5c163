import { Injectable, NotFoundException } from '@nestjs/common';
import { verifyChain, verifyRecord } from '../../core/drills/report-chain.js';
import { DrillRunRepository, type StoredReport } from '../../persistence/drill-run.repository.js';

/** A report as `vigil drill export` names its file, so the API, the UI and `vigil report verify` name a break alike. */
export const reportFileName = (r: Pick<StoredReport, 'sequence' | 'runId' | 'revision'>) => `${String(r.sequence).padStart(6, '0')}-${r.runId}-r${r.revision}.json`;

/**
 * Whether a run's report verifies, as `vigil report verify` judges exported files: its own text
 * (hash and canonical form), and the chain from the first report up to it (sequences, links).
 * Reports sealed after it do not change whether it can be trusted, so they are not read.
 */
@Injectable()
export class ReportVerificationService {
  constructor(private readonly runs: DrillRunRepository) {}

  async verify(runId: string, revision?: number) {
    const report = await this.runs.report(runId, revision);
    if (!report) throw new NotFoundException({ statusCode: 404, error: 'Not Found', message: `no report for run ${runId}` });
    const own = verifyRecord({ name: reportFileName(report), text: report.canonical });
    const chain = verifyChain((await this.runs.chain(report.sequence)).map((r) => ({ name: reportFileName(r), text: r.canonical })));
    return {
      runId,
      revision: report.revision,
      sequence: report.sequence,
      hash: report.hash,
      file: reportFileName(report),
      record: { ok: own.integrity === null, problem: own.integrity },
      chain: { ok: chain.ok, reports: chain.results.length, firstBreak: chain.firstBreak },
      ok: own.integrity === null && chain.ok,
    };
  }
}
export type ReportVerificationDto = Awaited<ReturnType<ReportVerificationService['verify']>>;
