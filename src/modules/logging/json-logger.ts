import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { requestContext } from './request-context.js';

type JsonLogOptions = Parameters<ConsoleLogger['printAsJson']>[1];

/**
 * One JSON object per line: time, level, msg, context, requestId (inside a request), then any
 * structured fields the caller passed. Nest's own JSON shape (timestamp in ms, pid, message) is
 * renamed to what log pipelines expect; ConsoleLogger still does redaction and safe stringifying.
 */
export class JsonLogger extends ConsoleLogger {
  constructor(
    logLevels: LogLevel[],
    private readonly write: (line: string) => void = (line) => void process.stdout.write(line),
  ) {
    super({ json: true, logLevels, flattenParams: true, redact: ['password', 'databaseUrl', 'authorization'] });
  }

  protected override printAsJson(message: unknown, options: JsonLogOptions): void {
    const { level, timestamp, message: msg, context, pid: _pid, ...rest } = this.getJsonLogObject(message, options);
    const requestId = requestContext.getStore()?.requestId;
    const record = {
      time: new Date(timestamp).toISOString(),
      level,
      msg,
      ...(context ? { context } : {}),
      ...(requestId ? { requestId } : {}),
      ...rest,
    };
    this.write(`${this.stringifyJsonLogObject(record)}\n`);
  }
}
