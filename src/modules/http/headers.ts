import type { IncomingHttpHeaders } from 'node:http';

/** A request header's value; the first, when a client repeated it. */
export function headerOf(req: { readonly headers: IncomingHttpHeaders }, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
