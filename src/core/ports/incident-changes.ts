/**
 * What the web UI's live updates are fed: `incident` for every committed change of an incident,
 * made on any replica; `listening` when the feed starts listening, for a new subscriber at once if
 * it already does, and again after it lost its connection and has it back. Changes before a
 * `listening` may have been missed, so whoever shows incidents reads them afresh then.
 */
export type IncidentChangeEvent = { readonly kind: 'incident'; readonly id: string } | { readonly kind: 'listening' };

export abstract class IncidentChanges {
  /** Starts delivering events to `listener`; answers the function that stops it. */
  abstract subscribe(listener: (event: IncidentChangeEvent) => void): () => void;
  /** Stops for good (shutdown): every subscription ends. */
  abstract close(): Promise<void>;
}
