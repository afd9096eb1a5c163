import { z } from 'zod';
import { AlertmanagerApi, type AlertmanagerAlertStatus, type AlertmanagerSilence } from '../../core/ports/alertmanager-api.js';

const alertsSchema = z.array(
  z.object({
    fingerprint: z.string(),
    status: z.object({ state: z.enum(['active', 'suppressed', 'unprocessed']), silencedBy: z.array(z.string()).nullish(), inhibitedBy: z.array(z.string()).nullish() }),
  }),
);
const silenceSchema = z.object({ id: z.string(), createdBy: z.string(), comment: z.string(), endsAt: z.string() });

/** Alertmanager's API v2 over fetch; answers are checked against the fields Vigil reads. */
export class AlertmanagerApiClient extends AlertmanagerApi {
  async alerts(baseUrl: string, timeoutMs: number): Promise<readonly AlertmanagerAlertStatus[]> {
    const url = new URL('api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true', withSlash(baseUrl));
    const body = alertsSchema.parse(await getJson(url, timeoutMs));
    return body.map((a) => ({ fingerprint: a.fingerprint, state: a.status.state, silencedBy: a.status.silencedBy ?? [], inhibitedBy: a.status.inhibitedBy ?? [] }));
  }

  async silence(baseUrl: string, id: string, timeoutMs: number): Promise<AlertmanagerSilence | undefined> {
    const url = new URL(`api/v2/silence/${encodeURIComponent(id)}`, withSlash(baseUrl));
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`Alertmanager ${url.host} answered HTTP ${res.status} for silence ${id}`);
    const s = silenceSchema.parse(await res.json());
    return { id: s.id, createdBy: s.createdBy, comment: s.comment, endsAt: new Date(s.endsAt) };
  }
}

async function getJson(url: URL, timeoutMs: number): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`Alertmanager ${url.host} answered HTTP ${res.status}`);
  return res.json();
}

function withSlash(base: string): string {
  return base.endsWith('/') ? base : `${base}/`;
}
