import { Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';

/**
 * This replica's liveness, as PostgreSQL sees it: an advisory lock on a random key, held on a
 * connection of its own for as long as the process lives. When a replica dies (kill -9, OOM, a
 * lost node) its connection closes and the lock is free at once, so the others can take over its
 * claims without waiting for their leases. A replica that only stalls keeps its lock; the lease
 * covers that case.
 */
@Injectable()
export class ReplicaSession {
  private runner?: QueryRunner;

  constructor(private readonly dataSource: DataSource) {}

  /** Takes the lock, or checks the connection that holds it is still there (reconnecting after a database restart). */
  async hold(key: string): Promise<void> {
    if (this.runner && !this.runner.isReleased) {
      try {
        await this.runner.query('SELECT 1');
        return;
      } catch {
        await this.release();
      }
    }
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.query('SELECT pg_advisory_lock($1::bigint)', [key]);
    } catch (err) {
      await runner.release().catch(() => undefined);
      throw err;
    }
    this.runner = runner;
  }

  /** Of these keys, the ones whose lock nobody holds: their replicas are gone. Empty while this replica holds no session itself. */
  async gone(keys: readonly string[]): Promise<string[]> {
    const runner = this.runner;
    if (!runner || runner.isReleased) return [];
    const dead: string[] = [];
    for (const key of keys) {
      const [row] = (await runner.query('SELECT pg_try_advisory_lock($1::bigint) AS got', [key])) as { got: boolean }[];
      if (row?.got) {
        dead.push(key);
        await runner.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
      }
    }
    return dead;
  }

  async release(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    await runner?.release().catch(() => undefined);
  }
}
