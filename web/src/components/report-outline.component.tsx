import type { ReportBlock, ReportSection } from '../../../src/modules/web/api-types.js';
import { STATUS_LABEL } from '../../../src/core/drills/report-render.js';

/**
 * A drill report's sections, from the same outline the Markdown and HTML reports render
 * (core/drills/report-render.ts), so the page cannot say something the sealed report does not.
 */
export function ReportOutline(props: { sections: readonly ReportSection[] }) {
  return (
    <>
      {props.sections.map((s) => (
        <section key={s.title} class="report-section" data-section={s.title}>
          <h2>{s.title}</h2>
          {s.blocks.map((b, i) => (
            <Block key={i} block={b} />
          ))}
        </section>
      ))}
    </>
  );
}

function Block({ block: b }: { block: ReportBlock }) {
  switch (b.kind) {
    case 'status':
      return <p class={`report-status report-${b.status.toLowerCase()}`}>{STATUS_LABEL[b.status]}</p>;
    case 'p':
      return <p>{b.text}</p>;
    case 'list':
      return (
        <ul>
          {b.items.map((item, i) => (
            <li key={i}>{item}</li>
          ))}
        </ul>
      );
    case 'fields':
      return (
        <table class="report-fields">
          <tbody>
            {b.rows.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      );
    case 'table':
      return (
        <table class="report-table">
          <thead>
            <tr>
              {b.head.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {b.rows.map((row, i) => (
              <tr key={i}>
                {row.map((c, j) => (
                  <td key={j}>{c}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      );
  }
}
