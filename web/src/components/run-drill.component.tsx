import { api } from '../api/api.client.js';
import { ConfirmedAction } from './confirmed-action.component.js';

/**
 * Runs the drill now (POST /api/drills/:name/runs), after a confirmation: a restore takes a scratch
 * cluster and a failover stops a primary. Shown only to roles with `respond`; the API refuses the
 * others anyway. One replica picks the run up; the page follows it (`requested`) until its verdict.
 */
export function RunDrill(props: { name: string; type: string; requested: (runId: string) => void }) {
  return (
    <ConfirmedAction
      needs="respond"
      heading="Run now"
      headingId="run-now"
      action="run-drill"
      start="Run this drill now…"
      question={`This runs the ${props.type} drill ${props.name} now, as its schedule would. Run it?`}
      confirm="Run the drill"
      groupLabel="Confirm the drill run"
      sending="Requesting…"
      failed="The run was not requested"
      run={async () => {
        const r = await api.runDrill(props.name);
        props.requested(r.runId);
        return `Run requested: ${r.runId}. It appears below once a replica starts it, and its verdict when it finishes.`;
      }}
    />
  );
}
