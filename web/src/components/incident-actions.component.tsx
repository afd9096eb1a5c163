import { useState } from 'preact/hooks';
import type { IncidentDetailDto } from '../../../src/modules/web/api-types.js';
import { api } from '../api/api.client.js';
import { useCan } from '../api/session.context.js';

type Outcome = { readonly ok: boolean; readonly text: string } | null;

/**
 * Acknowledge, resolve and add a note: shown only to roles with `respond` (the API refuses the
 * others anyway), and only the actions the incident's state allows. After each the page reloads
 * the incident, so what is shown is what the API stored.
 */
export function IncidentActions(props: { incident: IncidentDetailDto; changed: () => void }) {
  const allowed = useCan('respond');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [note, setNote] = useState('');
  if (!allowed) return null;
  const { id, status } = props.incident;

  const act = async (what: string, call: () => Promise<unknown>, after?: () => void) => {
    setBusy(true);
    setOutcome(null);
    try {
      await call();
      after?.();
      setOutcome({ ok: true, text: what });
      props.changed();
    } catch (err) {
      setOutcome({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="respond" class="actions">
      <h2 id="respond">Respond</h2>
      <div class="buttons">
        {status === 'triggered' && (
          <button type="button" data-action="acknowledge" disabled={busy} onClick={() => act('Acknowledged.', () => api.acknowledge(id))}>
            Acknowledge
          </button>
        )}
        {status !== 'resolved' && (
          <button type="button" data-action="resolve" disabled={busy} onClick={() => act('Resolved.', () => api.resolve(id))}>
            Resolve
          </button>
        )}
      </div>
      <form
        class="note"
        onSubmit={(e) => {
          e.preventDefault();
          if (note.trim()) void act('Note added.', () => api.addNote(id, note.trim()), () => setNote(''));
        }}
      >
        <label for="note">Add a note to the timeline</label>
        <textarea id="note" rows={3} maxLength={4000} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
        <button type="submit" data-action="note" disabled={busy || !note.trim()}>
          Add note
        </button>
      </form>
      <p role="status">{outcome?.ok && outcome.text}</p>
      {outcome && !outcome.ok && (
        <p role="alert" class="error">
          Not done: {outcome.text}
        </p>
      )}
    </section>
  );
}
