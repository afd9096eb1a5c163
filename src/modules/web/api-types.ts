/**
 * Every API type the web UI (web/src) reads, in one place: the UI imports these and nothing else
 * from src, so a field renamed here breaks the UI's type check, not a page in front of a user.
 * Types only; the bundler drops this import entirely.
 */
export type { Permission, Role } from '../../core/auth/roles.js';
export type { SessionDto } from '../auth/session.dto.js';
export type { BudgetListDto, HistoryDto, HistoryPoint, StoredBudgetDto } from '../budget/budget.dto.js';
export type { AlertWindowDto, SloDetailDto } from '../slo/slo.dto.js';
export type { IngestResult } from '../incidents/alert-ingest.service.js';
export type { TestAlert } from '../incidents/incidents.dto.js';
export type { AlertState, IncidentStatus } from '../../core/incidents/incident.js';
export type { IncidentDetailDto, IncidentDto, IncidentListDto } from '../incidents/incidents.dto.js';
export type { OnCallNow } from '../../usecases/who-is-on-call.js';
export type { DrillReport } from '../../core/drills/drill-report.js';
export type { ReportBlock, ReportSection } from '../../core/drills/report-render.js';
export type { VerdictStatus } from '../../core/drills/verdict.js';
export type { DrillDto, DrillRunDto } from '../drills/drills.dto.js';
export type { ReportVerificationDto } from '../drills/report-verification.service.js';
export type { AuditPageDto } from '../audit/audit.dto.js';
