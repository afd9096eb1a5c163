import type { AuditPageDto, BudgetListDto, DrillDto, DrillReport, DrillRunDto, HistoryDto, IncidentDetailDto, IncidentDto, IncidentListDto, IncidentStatus, IngestResult, OnCallNow, ReportVerificationDto, SessionDto, SloDetailDto, StoredBudgetDto, TestAlert } from '../../../src/modules/web/api-types.js';
import { learnServerTime } from './server-clock.js';

/** An API answer other than 2xx, with the JSON error body the API always sends. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * The session's CSRF token (GET /api/session and sign-in give it). Kept in memory only: the
 * cookie that matters is HttpOnly, and a reload asks the server again.
 */
let csrfToken: string | null = null;
/** Called with every 401, so the app can show the sign-in page wherever the user was. */
let onUnauthorized: () => void = () => {};

export function whenSignedOut(handler: () => void): void {
  onUnauthorized = handler;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-vigil-csrf'] = csrfToken;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => null)) as { message?: string; problems?: { path: string; message: string }[] } | null;
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/session') onUnauthorized();
    throw new ApiError(res.status, json?.message ?? `${method} ${path}: HTTP ${res.status}`, json?.problems ?? []);
  }
  return json as T;
}

const slo = (service: string, name: string) => `/api/slos/${encodeURIComponent(service)}/${encodeURIComponent(name)}`;
const incident = (id: string) => `/api/incidents/${encodeURIComponent(id)}`;

/** Every call the UI makes, typed by the API's own DTOs. */
export const api = {
  session: async (): Promise<SessionDto> => remember(await call<SessionDto>('GET', '/api/session')),
  signIn: async (token: string): Promise<SessionDto> => remember(await call<SessionDto>('POST', '/api/session', { token })),
  signOut: async (): Promise<void> => {
    await call<void>('DELETE', '/api/session');
    csrfToken = null;
  },
  budgets: () => call<BudgetListDto>('GET', '/api/budgets'),
  slo: (service: string, name: string) => call<SloDetailDto>('GET', slo(service, name)),
  budget: (service: string, name: string) => call<StoredBudgetDto>('GET', `${slo(service, name)}/budget`),
  history: (service: string, name: string, from: Date, to: Date) =>
    call<HistoryDto>('GET', `${slo(service, name)}/budget/history?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`),
  testAlert: (alert: Partial<TestAlert>) => call<IngestResult>('POST', '/api/alerts/test', alert),
  incidents: (statuses: readonly IncidentStatus[], limit: number) => call<IncidentListDto>('GET', `/api/incidents?status=${statuses.join(',')}&limit=${limit}`),
  /** Open incidents with a firing alert of one SLO (its service and slo labels). */
  sloIncidents: (service: string, slo: string) =>
    call<IncidentListDto>('GET', `/api/incidents?status=triggered,acknowledged&service=${encodeURIComponent(service)}&slo=${encodeURIComponent(slo)}&limit=50`),
  incident: (id: string) => call<IncidentDetailDto>('GET', incident(id)),
  acknowledge: (id: string) => call<IncidentDto>('POST', `${incident(id)}/ack`, {}),
  resolve: (id: string) => call<IncidentDto>('POST', `${incident(id)}/resolve`, {}),
  addNote: (id: string, text: string) => call<{ added: boolean }>('POST', `${incident(id)}/notes`, { text }),
  oncall: () => call<{ at: string; schedules: OnCallNow[] }>('GET', '/api/oncall'),
  drills: () => call<{ drills: DrillDto[] }>('GET', '/api/drills'),
  drillRuns: (name: string, limit: number) => call<{ runs: DrillRunDto[] }>('GET', `/api/drills/${encodeURIComponent(name)}/runs?limit=${limit}`),
  runDrill: (name: string) => call<{ runId: string }>('POST', `/api/drills/${encodeURIComponent(name)}/runs`, {}),
  drillReport: (runId: string) => call<DrillReport>('GET', `/api/drill-runs/${encodeURIComponent(runId)}/report`),
  verifyReport: (runId: string) => call<ReportVerificationDto>('GET', `/api/drill-runs/${encodeURIComponent(runId)}/verification`),
  audit: (limit: number, before?: string) => call<AuditPageDto>('GET', `/api/audit?limit=${limit}${before ? `&before=${encodeURIComponent(before)}` : ''}`),
};

/** Where a monthly report downloads from (a plain link: the browser sends the cookie). */
export function reportUrl(month: string, format: 'md' | 'csv'): string {
  return `/api/reports/slo?month=${encodeURIComponent(month)}&format=${format}`;
}

function remember(s: SessionDto): SessionDto {
  csrfToken = s.csrfToken;
  learnServerTime(s.serverTime);
  return s;
}
