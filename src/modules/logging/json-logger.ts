import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { scrubTokens } from '../../core/auth/api-token.js';
import { requestContext } from './request-context.js';

type JsonLogOptions = Parameters<ConsoleLogger['printAsJson']>[1];

/**
 * One JSON object per line: time, level, msg, context, requestId (inside a request), then any
 * structured fields the caller passed. Nest's own JSON shape (timestamp in ms, pid, message) is
 * renamed to what log pipelines expect; ConsoleLogger still does redaction and safe stringifying.
 * API tokens are scrubbed from the finished line as well as by key: a token pasted into a URL or
 * quoted in an error message has no key to redact it by.
 */
export class JsonLogger extends ConsoleLogger {
  constructor(
    logLevels: LogLevel[],
    private readonly write: (line: string) => void = (line) => void process.stdout.write(line),
  ) {
    super({ json: true, logLevels, flattenParams: true, redact: ['password', 'databaseUrl', 'authorization', 'token', 'secret'] });
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
    this.write(`${scrubTokens(this.stringifyJsonLogObject(record))}\n`);
  }
}
