import { useState } from 'preact/hooks';
import { reportUrl } from '../api/api.client.js';
import { month } from '../format.js';

/** The monthly SLO report (every SLO) as Markdown or CSV, for the month picked; plain downloads. */
export function ReportDownload(props: { now: Date }) {
  const [picked, setPicked] = useState(month(props.now));
  return (
    <div class="report">
      <label>
        Month
        <input type="month" value={picked} max={month(props.now)} onInput={(e) => setPicked((e.target as HTMLInputElement).value || month(props.now))} />
      </label>
      <a href={reportUrl(picked, 'md')} download={`slo-report-${picked}.md`}>
        Download Markdown
      </a>
      <a href={reportUrl(picked, 'csv')} download={`slo-report-${picked}.csv`}>
        Download CSV
      </a>
    </div>
  );
}
