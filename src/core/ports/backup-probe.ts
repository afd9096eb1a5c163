import type { DrillSpec } from '../model/drill.js';

/** What a drill's backup source and primary say about backup health right now. */
export interface BackupObservation {
  /** The newest backup; null when the source holds none. */
  readonly backup: { readonly label: string; readonly finishedAt: Date; readonly sizeBytes: number; readonly complete: boolean } | null;
  /** Earlier backups the source still holds (pgBackRest lists them all), for the size baseline. */
  readonly history?: readonly { readonly label: string; readonly finishedAt: Date; readonly sizeBytes: number }[];
  /** The primary's pg_stat_archiver; null without a primary in the spec. */
  readonly archiver: { readonly lastArchivedAt: Date | null; readonly failedCount: number } | null;
}

/** Reads a drill's backup source and its primary's WAL archiver (backup health between drills). */
export abstract class BackupProbe {
  abstract observe(spec: DrillSpec): Promise<BackupObservation>;
}
