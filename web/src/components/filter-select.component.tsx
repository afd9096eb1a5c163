/** A labelled select of a list's filter; the empty value, when offered, means "all". */
export function FilterSelect<T extends string>(props: { label: string; value: string; options: readonly T[]; words?: (v: T) => string; all?: boolean; onChange: (v: string) => void }) {
  const id = `filter-${props.label.toLowerCase()}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
        {props.all !== false && <option value="">All</option>}
        {props.options.map((o) => (
          <option key={o} value={o}>
            {props.words ? props.words(o) : o}
          </option>
        ))}
      </select>
    </div>
  );
}
