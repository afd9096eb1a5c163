import { useEffect, useState } from 'preact/hooks';
import { LocationProvider, Route, Router, useLocation } from 'preact-iso/router';
import type { Permission, SessionDto } from '../../src/modules/web/api-types.js';
import { api, ApiError, whenSignedOut } from './api/api.client.js';
import { SessionProvider } from './api/session.context.js';
import { AuditPage } from './pages/audit.page.js';
import { DrillDetailPage } from './pages/drill-detail.page.js';
import { DrillListPage } from './pages/drill-list.page.js';
import { DrillReportPage } from './pages/drill-report.page.js';
import { IncidentDetailPage } from './pages/incident-detail.page.js';
import { IncidentListPage } from './pages/incident-list.page.js';
import { NotFoundPage } from './pages/not-found.page.js';
import { OnCallPage } from './pages/oncall.page.js';
import { SignInPage } from './pages/sign-in.page.js';
import { SloDetailPage } from './pages/slo-detail.page.js';
import { SloListPage } from './pages/slo-list.page.js';
import { PATHS } from './routes.js';

type Auth =
  | { readonly at: 'checking' }
  | { readonly at: 'unreachable'; readonly message: string }
  | { readonly at: 'signed-out'; readonly expired: boolean }
  | { readonly at: 'signed-in'; readonly session: SessionDto };

/** Links under /api (report downloads, the API docs) are left to the browser, not the router. */
const PAGE_LINKS = /^\/(?!api\/)/;

export function App() {
  const [auth, setAuth] = useState<Auth>({ at: 'checking' });
  useEffect(() => {
    whenSignedOut(() => setAuth({ at: 'signed-out', expired: true }));
    api.session().then(
      (session) => setAuth({ at: 'signed-in', session }),
      (err: unknown) => setAuth(err instanceof ApiError && err.status === 401 ? { at: 'signed-out', expired: false } : { at: 'unreachable', message: err instanceof Error ? err.message : String(err) }),
    );
  }, []);

  if (auth.at === 'checking') return <p role="status">Loading Vigil…</p>;
  if (auth.at === 'unreachable') {
    return (
      <main id="main">
        <h1>Vigil</h1>
        <p role="alert" class="error">
          The Vigil API did not answer: {auth.message}. Reload the page to try again.
        </p>
      </main>
    );
  }
  if (auth.at === 'signed-out') {
    return (
      <main id="main" tabIndex={-1}>
        <SignInPage expired={auth.expired} onSignedIn={(session) => setAuth({ at: 'signed-in', session })} />
      </main>
    );
  }
  const signOut = async () => {
    await api.signOut();
    setAuth({ at: 'signed-out', expired: false });
  };
  return (
    <SessionProvider value={{ session: auth.session, signOut }}>
      <LocationProvider scope={PAGE_LINKS}>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <Header session={auth.session} signOut={signOut} />
        <main id="main" tabIndex={-1}>
          <Router>
            <Route path="/" component={Home} />
            <Route path={PATHS.slos} component={SloListPage} />
            <Route path={PATHS.slo} component={SloDetailPage} />
            <Route path={PATHS.incidents} component={IncidentListPage} />
            <Route path={PATHS.incident} component={IncidentDetailPage} />
            <Route path={PATHS.oncall} component={OnCallPage} />
            <Route path={PATHS.drills} component={DrillListPage} />
            <Route path={PATHS.drill} component={DrillDetailPage} />
            <Route path={PATHS.drillRun} component={DrillReportPage} />
            <Route path={PATHS.audit} component={AuditPage} />
            <Route default component={NotFoundPage} />
          </Router>
        </main>
      </LocationProvider>
    </SessionProvider>
  );
}

/** The main menu; an entry whose page needs a permission the role lacks is not shown (the API refuses it anyway). */
const NAV: readonly { readonly href: string; readonly label: string; readonly needs?: Permission }[] = [
  { href: PATHS.slos, label: 'SLOs' },
  { href: PATHS.incidents, label: 'Incidents' },
  { href: PATHS.oncall, label: 'On call' },
  { href: PATHS.drills, label: 'Drills' },
  { href: PATHS.audit, label: 'Audit log', needs: 'audit' },
];

function Header(props: { session: SessionDto; signOut: () => Promise<void> }) {
  const { path } = useLocation();
  return (
    <header class="top">
      <a class="brand" href={PATHS.slos}>
        Vigil
      </a>
      <nav aria-label="Main">
        {NAV.filter((n) => !n.needs || props.session.permissions.includes(n.needs)).map((n) => (
          <a key={n.href} href={n.href} aria-current={path === n.href || path.startsWith(`${n.href}/`) ? 'page' : undefined}>
            {n.label}
          </a>
        ))}
      </nav>
      <div class="who" data-testid="who">
        Signed in as <strong>{props.session.name}</strong> ({props.session.role}){' '}
        {props.session.via === 'session' && (
          <button type="button" onClick={props.signOut}>
            Sign out
          </button>
        )}
      </div>
    </header>
  );
}

/** `/` is the SLO list until there is a home page of its own. */
function Home() {
  const { route } = useLocation();
  useEffect(() => route(PATHS.slos, true), []);
  return null;
}
