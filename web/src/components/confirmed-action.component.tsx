import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useCan } from '../api/session.context.js';
import type { Permission } from '../../../src/modules/web/api-types.js';

type Step = { readonly at: 'idle' | 'confirm' | 'sending' } | { readonly at: 'done'; readonly said: string } | { readonly at: 'failed'; readonly message: string };

export interface ConfirmedActionProps {
  /** Shown only to roles holding it; the API refuses the others anyway. */
  readonly needs: Permission;
  readonly heading: string;
  readonly headingId: string;
  /** `data-action` of the first button; the confirming one is `confirm-<action>`. */
  readonly action: string;
  readonly start: string;
  readonly question: ComponentChildren;
  readonly confirm: string;
  readonly groupLabel: string;
  readonly sending: string;
  /** Does it; answers what to say when it is done. */
  readonly run: () => Promise<string>;
  /** "The test alert was not sent": the API's reason follows. */
  readonly failed: string;
}

/**
 * An action with effects outside Vigil (it pages people, it runs a drill), so it asks first: one
 * button opens the question, a second one does it. The outcome is announced (role status), a
 * refusal shown as an alert with the API's reason.
 */
export function ConfirmedAction(p: ConfirmedActionProps) {
  const allowed = useCan(p.needs);
  const [step, setStep] = useState<Step>({ at: 'idle' });
  if (!allowed) return null;
  const go = async () => {
    setStep({ at: 'sending' });
    try {
      setStep({ at: 'done', said: await p.run() });
    } catch (err) {
      setStep({ at: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  };
  return (
    <section aria-labelledby={p.headingId} class="actions">
      <h2 id={p.headingId}>{p.heading}</h2>
      {step.at === 'confirm' ? (
        <div role="group" aria-label={p.groupLabel}>
          <p>{p.question}</p>
          <button type="button" onClick={go} data-action={`confirm-${p.action}`}>
            {p.confirm}
          </button>{' '}
          <button type="button" onClick={() => setStep({ at: 'idle' })}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" onClick={() => setStep({ at: 'confirm' })} disabled={step.at === 'sending'} data-action={p.action}>
          {p.start}
        </button>
      )}
      <p role="status">
        {step.at === 'sending' && p.sending}
        {step.at === 'done' && step.said}
      </p>
      {step.at === 'failed' && (
        <p role="alert" class="error">
          {p.failed}: {step.message}
        </p>
      )}
    </section>
  );
}
