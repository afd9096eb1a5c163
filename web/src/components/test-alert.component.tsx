import { api } from '../api/api.client.js';
import { ConfirmedAction } from './confirmed-action.component.js';

/**
 * Fires a synthetic alert for this SLO through routing, incident and pages (POST /api/alerts/test),
 * after a confirmation: it pages whoever is on call. Shown only to roles with `respond`; the API
 * refuses the others anyway.
 */
export function TestAlert(props: { service: string; slo: string }) {
  return (
    <ConfirmedAction
      needs="respond"
      heading="Check paging"
      headingId="test-alert"
      action="test-alert"
      start="Send a test alert…"
      question={`This pages whoever is on call for ${props.service}, as a real alert would. Send it?`}
      confirm="Send test alert"
      groupLabel="Confirm the test alert"
      sending="Sending…"
      failed="The test alert was not sent"
      run={async () => {
        const r = await api.testAlert({ service: props.service, labels: { slo: props.slo } });
        return `Test alert sent: incident ${r.incidents[0]?.id ?? 'none'}.`;
      }}
    />
  );
}
