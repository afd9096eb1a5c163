import { z } from 'zod';

/**
 * The Alertmanager webhook payload, version 4
 * (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). Fields added after
 * the first v4 releases (`fingerprint` in 0.19, `truncatedAlerts` in 0.22) are optional so older
 * senders are accepted; a missing fingerprint is computed from the labels the way Alertmanager does.
 */
const labels = z.record(z.string(), z.string());
/** RFC 3339 as Go marshals time.Time; Go's zero time (0001-01-01T00:00:00Z) means "not set". */
const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an RFC 3339 time');

export const alertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labels.refine((l) => Object.keys(l).length > 0, 'an alert needs at least one label'),
  annotations: labels.optional().default({}),
  startsAt: instant,
  endsAt: instant.optional(),
  generatorURL: z.string().optional().default(''),
  fingerprint: z.string().regex(/^[0-9a-f]{1,16}$/, 'must be 16 hex digits as Alertmanager writes it').optional(),
});

export const notificationSchema = z.object({
  version: z.literal('4').optional(),
  groupKey: z.string().min(1).max(4096),
  truncatedAlerts: z.number().int().min(0).optional().default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().default(''),
  groupLabels: labels.optional().default({}),
  commonLabels: labels.optional().default({}),
  commonAnnotations: labels.optional().default({}),
  externalURL: z.string().optional().default(''),
  alerts: z.array(alertSchema).min(1, 'a notification carries at least one alert').max(100_000),
});

export type RawNotification = z.output<typeof notificationSchema>;

export interface ReceivedAlert {
  readonly fingerprint: string;
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: Date;
  /** Null for a firing alert: Alertmanager sends Go's zero time or a refresh deadline, neither an end. */
  readonly endsAt: Date | null;
  readonly generatorUrl: string;
}

export interface Notification {
  readonly groupKey: string;
  readonly receiver: string;
  readonly status: 'firing' | 'resolved';
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  readonly externalUrl: string;
  readonly truncatedAlerts: number;
  readonly alerts: readonly ReceivedAlert[];
}

export function toNotification(raw: RawNotification): Notification {
  // One alert per fingerprint: a sender repeating one in a payload must not make two rows.
  const byFingerprint = new Map<string, ReceivedAlert>();
  for (const a of raw.alerts) {
    const fingerprint = a.fingerprint?.padStart(16, '0') ?? labelsFingerprint(a.labels);
    byFingerprint.set(fingerprint, {
      fingerprint,
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: new Date(a.startsAt),
      endsAt: a.status === 'resolved' && a.endsAt && !isZeroTime(a.endsAt) ? new Date(a.endsAt) : null,
      generatorUrl: a.generatorURL,
    });
  }
  return {
    groupKey: raw.groupKey,
    receiver: raw.receiver,
    status: raw.status,
    groupLabels: raw.groupLabels,
    commonLabels: raw.commonLabels,
    commonAnnotations: raw.commonAnnotations,
    externalUrl: raw.externalURL,
    truncatedAlerts: raw.truncatedAlerts,
    alerts: [...byFingerprint.values()],
  };
}

function isZeroTime(s: string): boolean {
  return s.startsWith('0001-01-01');
}

const FNV_OFFSET = 14695981039346656037n;
const FNV_PRIME = 1099511628211n;
const MASK = (1n << 64n) - 1n;
const SEPARATOR = 0xff;

/**
 * Alertmanager's alert fingerprint: FNV-1a 64 over the label names and values sorted by name,
 * each followed by the 0xff separator byte (prometheus/common model.LabelSet.Fingerprint,
 * labelSetToFingerprint), as 16 hex digits.
 */
export function labelsFingerprint(set: Readonly<Record<string, string>>): string {
  const names = Object.keys(set).sort();
  if (names.length === 0) return 'cbf29ce484222325';
  let h = FNV_OFFSET;
  const add = (byte: number) => {
    h ^= BigInt(byte);
    h = (h * FNV_PRIME) & MASK;
  };
  for (const name of names) {
    for (const b of Buffer.from(name, 'utf8')) add(b);
    add(SEPARATOR);
    for (const b of Buffer.from(set[name]!, 'utf8')) add(b);
    add(SEPARATOR);
  }
  return h.toString(16).padStart(16, '0');
}
