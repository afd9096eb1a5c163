/** Names of the incident jobs; one place, so a rename cannot leave a handler without its jobs. */
export const ESCALATION_STEP_JOB = 'escalation-step';
export const ACK_TIMEOUT_JOB = 'incident-ack-timeout';
export const PAGE_DELIVERY_JOB = 'page-delivery';
export const STALE_SWEEP_JOB = 'incident-stale-sweep';
export const SUPPRESSION_CHECK_JOB = 'incident-suppression-check';
