import { z } from 'zod';
import { parseTimeText } from '../../core/time-text.js';
import type { AuditEntry, AuditPage } from '../../persistence/audit-log.repository.js';
import { errorDtoSchema, openApi } from '../http/zod.pipe.js';

const time = z.string().transform((v, ctx) => {
  const seconds = parseTimeText(v);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 time or epoch seconds' });
    return z.NEVER;
  }
  return new Date(seconds * 1000);
});

export const auditQuerySchema = z.strictObject({
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be 1–500').max(500, 'must be 1–500').default(100),
  // int8 range: a longer number cannot be an id, and would make PostgreSQL fail instead of answering empty.
  before: z.string().regex(/^[1-9]\d{0,17}$/, 'must be a nextCursor from an earlier page').optional(),
  from: time.optional(),
  to: time.optional(),
});
export type AuditQueryDto = z.infer<typeof auditQuerySchema>;

const auditEntrySchema = z.object({
  id: z.string().describe('the cursor: pass as `before` to read older entries'),
  at: z.iso.datetime(),
  actor: z.string().describe('the token name, `cli:<os user>` or `system`'),
  tokenId: z.uuid().nullable(),
  role: z.string().nullable(),
  method: z.string().describe('HTTP method; CLI for the vigil command; START for what Vigil did at start'),
  route: z.string().describe('route template, e.g. /api/webhooks/:id, or the CLI command'),
  path: z.string(),
  status: z.number().int().describe('HTTP status; for CLI rows the exit code'),
  requestId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});
const auditPageSchema = z.object({ entries: z.array(auditEntrySchema), nextCursor: z.string().nullable() });
export type AuditPageDto = z.infer<typeof auditPageSchema>;

export const OPENAPI = { page: openApi(auditPageSchema), error: openApi(errorDtoSchema) };

export function toAuditPageDto(p: AuditPage): AuditPageDto {
  return { entries: p.entries.map(toEntryDto), nextCursor: p.nextCursor };
}

function toEntryDto(e: AuditEntry): AuditPageDto['entries'][number] {
  return { ...e, at: e.at.toISOString(), detail: e.detail === null ? null : { ...e.detail } };
}
