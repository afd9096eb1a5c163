import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';
import { parseTimeText, TIME_TEXT_HELP } from '../../core/time-text.js';

/**
 * Validates one request part against a zod schema; bad input is a 400 in Nest's error shape, plus
 * every problem as {path, message} so a client can fix them all at once.
 */
export class ZodPipe<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  constructor(
    private readonly schema: T,
    private readonly what: string,
  ) {}

  transform(value: unknown): z.infer<T> {
    const parsed = this.schema.safeParse(value ?? {});
    if (parsed.success) return parsed.data;
    const problems = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
    throw badRequest(`invalid ${this.what}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);
  }
}

export function badRequest(message: string, problems?: readonly { path: string; message: string }[]): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, ...(problems ? { problems } : {}) });
}

/**
 * OpenAPI schemas for the swagger decorators, derived from the zod schemas that validate, so the
 * docs cannot drift from the checks. The cast: zod's JSON Schema type and swagger's SchemaObject
 * describe the same JSON but are unrelated TypeScript types.
 */
export const openApi = (s: z.ZodType, io: 'input' | 'output' = 'output') => z.toJSONSchema(s, { io, target: 'openapi-3.0' }) as SchemaObject;

export const errorDtoSchema = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  problems: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/** A time in a query or body, as core/time-text.ts reads it (RFC 3339 or epoch seconds), as a Date. */
export const instantSchema = z.string().transform((v, ctx) => {
  const seconds = parseTimeText(v);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: TIME_TEXT_HELP });
    return z.NEVER;
  }
  return new Date(seconds * 1000);
});
