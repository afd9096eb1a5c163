import type { ReportVerificationDto } from '../../../src/modules/web/api-types.js';
import { reportOutline, reportTitle } from '../../../src/core/drills/report-render.js';
import { api } from '../api/api.client.js';
import { useLoad } from '../api/use-load.hook.js';
import { LoadState } from '../components/load-state.component.js';
import { PageHeading } from '../components/page-heading.component.js';
import { ReportOutline } from '../components/report-outline.component.js';
import { drillPath } from '../routes.js';

async function loadReport(runId: string) {
  const [report, verification] = await Promise.all([api.drillReport(runId), api.verifyReport(runId)]);
  return { report, verification };
}

/**
 * A run's sealed report, for reading and for printing (A4, without the navigation: styles.css
 * @media print), with whether its hash chain verifies, as `vigil report verify` would say.
 */
export function DrillReportPage(props: { params: { id: string } }) {
  const { id } = props.params;
  const load = useLoad(() => loadReport(id), [id]);
  return (
    <>
      <PageHeading title={load.state === 'ok' ? reportTitle(load.data.report) : `Drill report ${id}`} />
      <LoadState load={load} what={`the report of run ${id}`} />
      {load.state === 'ok' && (
        <>
          <p class="no-print">
            <a href={drillPath(load.data.report.identity.drill)}>← Drill {load.data.report.identity.drill}</a>{' '}
            <button type="button" onClick={() => window.print()}>
              Print or save as PDF
            </button>
          </p>
          <Verification v={load.data.verification} />
          <ReportOutline sections={reportOutline(load.data.report)} />
        </>
      )}
    </>
  );
}

function Verification({ v }: { v: ReportVerificationDto }) {
  return (
    <section class={`verification ${v.ok ? 'verified' : 'broken'}`} data-testid="verification" data-verified={String(v.ok)} aria-labelledby="verification">
      <h2 id="verification">Hash chain</h2>
      {v.ok ? (
        <p>
          ✔ Verifies: this report ({v.file}, SHA-256 <code>{v.hash}</code>) is the sealed text, and the chain from report 1 to it ({v.chain.reports} reports) is unbroken.
        </p>
      ) : (
        <p>
          ✘ Does not verify: {v.record.problem ? `this report (${v.file}): ${v.record.problem}` : v.chain.firstBreak ? `the chain breaks at ${v.chain.firstBreak.name}: ${v.chain.firstBreak.reason}` : 'the chain is empty'}.
        </p>
      )}
      <p class="muted">Check the exported files yourself: vigil drill export DIR, then vigil report verify DIR.</p>
    </section>
  );
}
