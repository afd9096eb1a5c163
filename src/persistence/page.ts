/** A page of rows newest (or oldest) first, and the cursor for the next one; null on the last page. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/**
 * Cuts rows read with `LIMIT limit + 1` into a page: the extra row only says whether another
 * page follows, so a page that happens to be full is not followed by an empty one.
 */
export function toPage<T extends { readonly id: string }>(rows: readonly T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
}
