import { AsyncLocalStorage } from 'node:async_hooks';

/** Per-request values every log line in that request's async call chain can read. */
export interface RequestContext {
  readonly requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();
