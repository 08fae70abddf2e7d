#!/usr/bin/env bash
# Installs what the queue-mode e2e test runs n8n on: Debian's redis-server and postgresql.
# Idempotent: does nothing when both are there. Called by .ci/run and by the test set-up
# (test/n8n/queueServices.ts) when a binary is missing. Only root can install; anyone else gets
# the command to run. The Debian package's own cluster is not used: the tests start throw-away
# instances in temp folders.
set -euo pipefail

have_redis() { command -v redis-server >/dev/null 2>&1; }
have_postgres() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null; }

if have_redis && have_postgres; then
	exit 0
fi

if [ "$(id -u)" != "0" ]; then
	echo "The queue-mode test needs redis-server and postgresql. Install them with:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y redis-server postgresql" >&2
	exit 1
fi

echo "== installing redis-server and postgresql (Debian packages) for the queue-mode test"
export DEBIAN_FRONTEND=noninteractive
# Another apt run (a parallel job, unattended upgrades) may hold the lock for a while: wait for it.
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends redis-server postgresql >/dev/null

if ! have_redis || ! have_postgres; then
	echo "redis-server or postgresql is still missing after apt-get install" >&2
	exit 1
fi
