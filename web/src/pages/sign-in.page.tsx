import { useState } from 'preact/hooks';
import type { SessionDto } from '../../../src/modules/web/api-types.js';
import { api, ApiError } from '../api/api.client.js';
import { PageHeading } from '../components/page-heading.component.js';

/**
 * The token is sent once, to be exchanged for a session cookie the page cannot read; it is never
 * stored in the browser. The field is a password field so it is not shown or remembered as text.
 */
export function SignInPage(props: { onSignedIn: (s: SessionDto) => void; expired?: boolean }) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const session = await api.signIn(token.trim());
      setToken('');
      props.onSignedIn(session);
    } catch (err) {
      setProblem(err instanceof ApiError ? (err.problems.find((p) => p.path === 'token')?.message ?? err.message) : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="sign-in">
      <PageHeading title="Sign in to Vigil" />
      {props.expired && <p role="status">Your session has ended. Sign in again to continue.</p>}
      <form onSubmit={submit} noValidate>
        <label for="token">API token</label>
        <p id="token-help" class="help">
          A token from <code>vigil token create --role viewer --name you</code> (or your operator). It is exchanged for a session and not kept in this browser.
        </p>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          required
          value={token}
          aria-describedby={problem ? 'token-help token-problem' : 'token-help'}
          aria-invalid={problem ? true : undefined}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
        />
        {problem && (
          <p id="token-problem" role="alert" class="error">
            {problem}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
