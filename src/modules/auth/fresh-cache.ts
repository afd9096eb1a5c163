/**
 * What a verifier believes without asking the database again: entries younger than `maxAgeMs`,
 * at most `maxEntries` of them (the oldest inserted goes first). Time comes in as an argument,
 * the verifiers' Clock, so tests step it.
 */
export class FreshCache<V> {
  private readonly entries = new Map<string, { readonly value: V; readonly loadedAt: number }>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly maxEntries: number,
  ) {}

  get(key: string, now: number): V | undefined {
    const hit = this.entries.get(key);
    if (hit && now - hit.loadedAt < this.maxAgeMs) return hit.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: V, now: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, loadedAt: now });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
