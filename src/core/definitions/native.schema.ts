import { z } from 'zod';
import { stringMap } from './fields.js';

/** The native `vigil/v1` format: one file per service. Documented in docs/slo-spec.md. */

const text = z.string().min(1);

const tierSchema = z.strictObject({
  severity: text.optional(),
  disabled: z.boolean().optional(),
  for: z.string().optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
});

export const nativeSloSchema = z.strictObject({
  name: text,
  description: z.string().optional(),
  objective: z.number(),
  window: z.string().optional(),
  sli: z.strictObject({
    events: z
      .strictObject({ errorQuery: text.optional(), goodQuery: text.optional(), totalQuery: text })
      .optional(),
    latency: z
      .strictObject({
        metric: text,
        selector: z.string().optional(),
        threshold: z.union([z.number(), z.string()]),
        buckets: z.array(z.number()).optional(),
      })
      .optional(),
    raw: z.strictObject({ errorRatioQuery: text }).optional(),
  }),
  alerting: z
    .strictObject({
      name: text.optional(),
      labels: stringMap.optional(),
      annotations: stringMap.optional(),
      page: tierSchema.optional(),
      ticket: tierSchema.optional(),
      windows: z
        .array(
          z.strictObject({
            severity: z.enum(['page', 'ticket']),
            long: text,
            short: text,
            burnRate: z.number().positive(),
          }),
        )
        .min(1)
        .optional(),
      absent: z
        .strictObject({
          disabled: z.boolean().optional(),
          for: z.string().optional(),
          severity: z.enum(['page', 'ticket']).optional(),
          labels: stringMap.optional(),
          annotations: stringMap.optional(),
        })
        .optional(),
    })
    .optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
  runbook: text.optional(),
});

export const nativeAlertSchema = z.strictObject({
  name: text,
  expr: text,
  for: z.string().optional(),
  severity: z.enum(['critical', 'warning', 'info']),
  summary: text,
  description: z.string().optional(),
  runbook: text.optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
});

/** Items of `slos` and `alerts` are checked one by one so one bad SLO does not hide the others' problems. */
export const nativeFileSchema = z.strictObject({
  apiVersion: z.literal('vigil/v1'),
  kind: z.literal('Service').optional(),
  service: text,
  description: z.string().optional(),
  labels: stringMap.optional(),
  runbook: text.optional(),
  histograms: z.record(z.string(), z.array(z.number()).min(1)).optional(),
  slos: z.array(z.unknown()).optional(),
  alerts: z.array(z.unknown()).optional(),
});

export type NativeSlo = z.output<typeof nativeSloSchema>;
export type NativeAlert = z.output<typeof nativeAlertSchema>;
export type NativeFile = z.output<typeof nativeFileSchema>;
