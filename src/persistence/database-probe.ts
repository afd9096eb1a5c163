import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export class DatabaseTimeoutError extends Error {}

/** Readiness check: one round trip, bounded so a hung database cannot hang the probe. */
@Injectable()
export class DatabaseProbe {
  constructor(private readonly dataSource: DataSource) {}

  async ping(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new DatabaseTimeoutError(`database did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
