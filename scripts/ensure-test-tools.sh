#!/usr/bin/env bash
# Installs what the tests need that npm does not bring: promtool and amtool (Debian packages
# prometheus, prometheus-alertmanager), PostgreSQL 15 server binaries (postgresql-15), pgBackRest
# (pgbackrest; the restore drills from a stanza), ss (iproute2; the kill scenarios read the
# kernel's view of a connection), Chromium (chromium; playwright-core drives it in test/ui) and
# kubectl with kustomize 5 (the package `kubectl`, 1.32 with kustomize 5.5 on these machines; not
# `kubernetes-client`, 1.20 with kustomize 2: it renders deploy/kubernetes offline) and
# pdftotext/pdfinfo (poppler-utils; test/ui reads the drill report Chromium printed to PDF).
# Tests never skip because a tool is missing: either this script provides it or it stops here.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
[ -x "$PG_BIN/pg_ctl" ] || missing+=(postgresql-15)
command -v pgbackrest >/dev/null 2>&1 || missing+=(pgbackrest)
command -v ss >/dev/null 2>&1 || missing+=(iproute2)
# test/ui launches this exact path (test/support/browser.ts): playwright-core brings no browser.
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v kubectl >/dev/null 2>&1 || missing+=(kubectl)

# deploy/kubernetes uses kustomize 5 syntax (labels:, patches:); an older kubectl renders it wrongly or not at all.
kustomize_ok() {
  local version
  version=$(kubectl version --client 2>/dev/null || true)
  [[ "$version" =~ Kustomize\ Version:\ v([5-9]|[1-9][0-9])\. ]]
}
check_kustomize() {
  kustomize_ok && return 0
  echo "The tests need kubectl with kustomize 5 or newer (kubectl 1.27+); found: $(kubectl version --client 2>&1 | tr '\n' ' ')" >&2
  echo "Install the package kubectl (Kubernetes' own apt repository or Google Cloud SDK's), not kubernetes-client." >&2
  exit 1
}

if [ ${#missing[@]} -eq 0 ]; then
  check_kustomize
  exit 0
fi

echo "test tools: installing ${missing[*]} (Debian packages)" >&2
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The packages start daemons on some systems; tests start their own on free ports.
  for svc in prometheus prometheus-alertmanager postgresql pgbackrest; do
    (command -v systemctl >/dev/null 2>&1 && systemctl stop "$svc") >/dev/null 2>&1 || true
  done
  check_kustomize
  exit 0
fi

cat >&2 <<MSG
The tests need these Debian packages, which are missing: ${missing[*]}
Install them as root:  apt-get update && apt-get install -y ${missing[*]}
(promtool/amtool judge the generated rules and routes; PostgreSQL 15 runs the database tests;
pgBackRest backs up and restores in the restore drill tests; Chromium runs the web UI tests;
kubectl renders deploy/kubernetes with its kustomize; poppler-utils reads the PDF a drill report
prints to.)
MSG
exit 1
