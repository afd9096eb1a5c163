import { join } from 'node:path';
import type { DrillSpec } from '../../core/model/drill.js';
import type { MonotonicClock } from '../../core/ports/clock.js';
import type { FailoverTarget } from '../../core/ports/failover-target.js';
import type { RestoreTarget } from '../../core/ports/restore-target.js';
import type { SecretReader } from '../../core/ports/secret-reader.js';
import { BaseBackupRestoreTarget } from './basebackup-restore.target.js';
import { PgBackRestRestoreTarget } from './pgbackrest-restore.target.js';
import { PostgresTools } from './postgres-tools.js';
import { StreamingFailoverTarget } from './streaming-failover.target.js';

/** Where drills keep their scratch clusters and heartbeat ledgers (VIGIL_DRILL_WORK_DIR). */
export interface DrillWorkDirs {
  readonly scratchRoot: string;
  readonly ledgerDir: string;
}

export function drillWorkDirs(workDir: string): DrillWorkDirs {
  return { scratchRoot: join(workDir, 'scratch'), ledgerDir: join(workDir, 'ledgers') };
}

/** The adapters a drill spec asks for, with its connection references resolved now (never stored). */
export function drillTargets(dirs: DrillWorkDirs, secrets: SecretReader, mono: MonotonicClock) {
  const tools = (spec: DrillSpec) => new PostgresTools(spec.target.binDir, spec.target.osUser ?? 'postgres');
  const url = (spec: DrillSpec, which: 'primary' | 'replica') => {
    const ref = spec.target[which];
    return ref ? secrets.readRef(ref, `drill ${spec.name}: target.${which}`) : Promise.resolve(null);
  };
  return {
    async restoreTarget(spec: DrillSpec): Promise<RestoreTarget> {
      const source = spec.target.backup;
      if (!source) throw new Error(`drill ${spec.name}: a restore drill needs target.backup`);
      const role = spec.target.osUser ?? 'postgres';
      return source.kind === 'pgbackrest'
        ? new PgBackRestRestoreTarget(tools(spec), dirs.scratchRoot, role, await url(spec, 'primary'))
        : new BaseBackupRestoreTarget(tools(spec), dirs.scratchRoot, role, await url(spec, 'primary'));
    },
    async failoverTarget(spec: DrillSpec): Promise<FailoverTarget> {
      const [primaryUrl, replicaUrl] = [await url(spec, 'primary'), await url(spec, 'replica')];
      if (!primaryUrl || !replicaUrl || !spec.target.primaryDataDir || !spec.target.replicaDataDir || !spec.failover) throw new Error(`drill ${spec.name}: a failover drill needs primary, replica and both data folders`);
      return new StreamingFailoverTarget(
        tools(spec),
        { primaryUrl, replicaUrl, primaryDataDir: spec.target.primaryDataDir, replicaDataDir: spec.target.replicaDataDir, fault: spec.failover.fault, ledgerDir: dirs.ledgerDir },
        () => mono.nanos(),
      );
    },
  };
}
