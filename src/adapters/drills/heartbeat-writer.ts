import { closeSync, fdatasyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import type { Ack } from '../../core/drills/heartbeat-loss.js';
import type { Heartbeat } from '../../core/ports/failover-target.js';

/**
 * Commits one row per interval to a WAL-logged table on the primary and appends each
 * acknowledged commit to a local ledger, fsync'd before the next row is sent: the ledger is what
 * the primary promised. A commit whose answer never came (the primary died under it, or a
 * synchronous standby never confirmed it) is in doubt, not acknowledged.
 */
export async function startHeartbeatWriter(url: string, runId: string, intervalMs: number, ledgerFile: string, nanos: () => bigint): Promise<Heartbeat> {
  const client = new pg.Client({ connectionString: url, application_name: 'vigil-drill-heartbeat' });
  client.on('error', () => undefined); // the primary is about to die: the failed query says so
  await client.connect();
  await client.query(`CREATE TABLE IF NOT EXISTS vigil_drill_heartbeat (run_id text NOT NULL, seq bigint NOT NULL, committed_at timestamptz NOT NULL DEFAULT clock_timestamp(), PRIMARY KEY (run_id, seq))`);
  mkdirSync(dirname(ledgerFile), { recursive: true });
  const fd = openSync(ledgerFile, 'a', 0o600);
  const acks: Ack[] = [];
  const inDoubt: { seq: number; sentAt: string }[] = [];
  let stopping = false;
  let seq = 0;
  const loop = (async () => {
    let next = nanos();
    while (!stopping) {
      seq += 1;
      const sentAt = new Date().toISOString();
      try {
        await client.query('INSERT INTO vigil_drill_heartbeat (run_id, seq) VALUES ($1, $2)', [runId, seq]);
      } catch {
        // Sent, never answered: the commit may or may not have happened.
        inDoubt.push({ seq, sentAt });
        return;
      }
      const ackNs = nanos();
      writeSync(fd, `${seq} ${ackNs}\n`);
      fdatasyncSync(fd);
      acks.push({ seq, ackNs });
      next += BigInt(intervalMs) * 1_000_000n;
      const wait = Number(next - nanos()) / 1e6;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      else next = nanos();
    }
  })();
  return {
    async stop() {
      stopping = true;
      // A commit hanging on a dead primary or a stalled synchronous standby: the connection is cut, the row stays in doubt.
      const cut = setTimeout(() => void client.end().catch(() => undefined), 2000);
      await loop;
      clearTimeout(cut);
      await client.end().catch(() => undefined);
      closeSync(fd);
      return { acks, inDoubt, ledgerFile };
    },
  };
}
