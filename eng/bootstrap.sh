#!/usr/bin/env bash
# Prepares a Debian/Ubuntu machine that has the .NET 10 SDK (README, "Quick start"). Installs only what is missing:
#   - PostgreSQL and Redis server programs (apt): the AppHost runs them as host executables when no container
#     engine answers, and the distributed tests always do (they freeze and kill their processes).
# Aspire's orchestrator and dashboard come from NuGet with the AppHost; nothing else is needed.
# Safe to run again. Needs root or sudo for apt.
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

have_postgres() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; }
have_redis() { command -v redis-server >/dev/null 2>&1; }

if have_postgres && have_redis; then
  echo "bootstrap: PostgreSQL and Redis are installed; nothing to do"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "bootstrap: no apt-get here. Install PostgreSQL (initdb, postgres) and Redis (redis-server) with your" >&2
  echo "           package manager (macOS: brew install postgresql@16 redis), or run a container engine." >&2
  exit 2
fi

echo "bootstrap: installing the PostgreSQL and Redis server programs with apt (their own system services are not used:"
echo "           the AppHost starts its own instances on ports Aspire chooses)"
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql redis-server >/dev/null
echo "bootstrap: installed $(ls -d /usr/lib/postgresql/*/bin | tail -n1) and $(redis-server --version | cut -d' ' -f1-3)"
