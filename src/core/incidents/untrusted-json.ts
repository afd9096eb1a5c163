/**
 * Reading JSON that came from outside (webhook bodies) without trusting its shape: a missing or
 * mistyped field is undefined, never a TypeError half-way through a handler.
 */

/** `value[name]` when value is an object, else undefined. */
export function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** A non-empty string, else undefined. */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
