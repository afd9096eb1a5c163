import { useState } from 'preact/hooks';
import { api } from '../api/api.client.js';
import { useCan } from '../api/session.context.js';

type Step = { readonly at: 'idle' | 'confirm' | 'sending' } | { readonly at: 'sent'; readonly runId: string } | { readonly at: 'failed'; readonly message: string };

/**
 * Runs the drill now (POST /api/drills/:name/runs), after a confirmation: a restore takes a scratch
 * cluster and a failover stops a primary. Shown only to roles with `respond`; the API refuses the
 * others anyway. One replica picks the run up; its report appears in the runs when it finishes.
 */
export function RunDrill(props: { name: string; type: string; requested: () => void }) {
  const allowed = useCan('respond');
  const [step, setStep] = useState<Step>({ at: 'idle' });
  if (!allowed) return null;
  const run = async () => {
    setStep({ at: 'sending' });
    try {
      const r = await api.runDrill(props.name);
      setStep({ at: 'sent', runId: r.runId });
      props.requested();
    } catch (err) {
      setStep({ at: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  };
  return (
    <section aria-labelledby="run-now" class="actions">
      <h2 id="run-now">Run now</h2>
      {step.at === 'confirm' ? (
        <div role="group" aria-label="Confirm the drill run">
          <p>
            This runs the {props.type} drill {props.name} now, as its schedule would. Run it?
          </p>
          <button type="button" onClick={run} data-action="confirm-run-drill">
            Run the drill
          </button>{' '}
          <button type="button" onClick={() => setStep({ at: 'idle' })}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" onClick={() => setStep({ at: 'confirm' })} disabled={step.at === 'sending'} data-action="run-drill">
          Run this drill now…
        </button>
      )}
      <p role="status">
        {step.at === 'sending' && 'Requesting…'}
        {step.at === 'sent' && `Run requested: ${step.runId}. Its report appears below when it finishes.`}
      </p>
      {step.at === 'failed' && (
        <p role="alert" class="error">
          The run was not requested: {step.message}
        </p>
      )}
    </section>
  );
}
