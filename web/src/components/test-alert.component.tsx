import { useState } from 'preact/hooks';
import { api } from '../api/api.client.js';
import { useCan } from '../api/session.context.js';

type Step = { readonly at: 'idle' } | { readonly at: 'confirm' } | { readonly at: 'sending' } | { readonly at: 'sent'; readonly incident: string } | { readonly at: 'failed'; readonly message: string };

/**
 * Fires a synthetic alert for this SLO through routing, incident and pages (POST /api/alerts/test),
 * after a confirmation: it pages whoever is on call. Shown only to roles with `respond`; the API
 * refuses the others anyway.
 */
export function TestAlert(props: { service: string; slo: string }) {
  const allowed = useCan('respond');
  const [step, setStep] = useState<Step>({ at: 'idle' });
  if (!allowed) return null;
  const send = async () => {
    setStep({ at: 'sending' });
    try {
      const r = await api.testAlert({ service: props.service, labels: { slo: props.slo } });
      setStep({ at: 'sent', incident: r.incidents[0]?.id ?? 'none' });
    } catch (err) {
      setStep({ at: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  };
  return (
    <section aria-labelledby="test-alert" class="test-alert">
      <h2 id="test-alert">Check paging</h2>
      {step.at === 'confirm' ? (
        <div role="group" aria-label="Confirm the test alert">
          <p>This pages whoever is on call for {props.service}, as a real alert would. Send it?</p>
          <button type="button" onClick={send} data-action="confirm-test-alert">
            Send test alert
          </button>{' '}
          <button type="button" onClick={() => setStep({ at: 'idle' })}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" onClick={() => setStep({ at: 'confirm' })} disabled={step.at === 'sending'} data-action="test-alert">
          Send a test alert…
        </button>
      )}
      <p role="status">
        {step.at === 'sending' && 'Sending…'}
        {step.at === 'sent' && `Test alert sent: incident ${step.incident}.`}
      </p>
      {step.at === 'failed' && (
        <p role="alert" class="error">
          The test alert was not sent: {step.message}
        </p>
      )}
    </section>
  );
}
