/**
 * Drill specs for the web UI tests: orders-restore, a weekly restore whose past runs the tests seed
 * (test/support/drill-seed.ts; its objectives are the evidence fixture's, 1 h and 15 min), and
 * billing-restore, daily and never run: overdue. Neither can really run here (no primary is
 * configured): a run requested through the API fails before it starts.
 */
export const UI_DRILLS: Record<string, string> = {
  'orders-restore.yaml': `apiVersion: vigil/v1
kind: Drill
name: orders-restore
description: Weekly restore test of the orders database from pgBackRest
owner: team-dba
type: restore
target:
  binDir: /usr/lib/postgresql/15/bin
  primary: { env: ORDERS_PRIMARY_URL }
  backup:
    pgbackrest: { stanza: orders }
  osUser: postgres
schedule: { cron: "0 2 * * 1", timeZone: Europe/Berlin }
objectives: { rto: 1h, rpo: 15m }
checks:
  - { name: orders-rows, rowCount: public.orders }
abort: { maxDuration: 2h }
`,
  'billing-restore.yaml': `apiVersion: vigil/v1
kind: Drill
name: billing-restore
owner: team-billing
type: restore
target:
  binDir: /usr/lib/postgresql/15/bin
  primary: { env: BILLING_PRIMARY_URL }
  backup:
    pgbackrest: { stanza: billing }
  osUser: postgres
schedule: { cron: "0 1 * * *", timeZone: UTC }
objectives: { rto: 30m, rpo: 5m }
checks:
  - { name: invoices-rows, rowCount: public.invoices }
abort: { maxDuration: 1h }
`,
};
