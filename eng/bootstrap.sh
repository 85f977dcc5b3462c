#!/usr/bin/env bash
# Prepares a Debian/Ubuntu machine that has the .NET 10 SDK (README, "Quick start"). Installs only what is missing:
#   - PostgreSQL and Redis server programs (apt): the AppHost runs them as host executables when no container
#     engine answers, and the distributed tests always do (they freeze and kill their processes).
#   - Chromium (apt): the browser tests (WebFrontend.Tests) drive Debian's chromium with Playwright; Playwright's
#     own browser download is never used. A font comes with it so that screenshots show text.
# Aspire's orchestrator and dashboard, and Playwright's driver, come from NuGet; nothing else is needed.
# Safe to run again. Needs root or sudo for apt.
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

have_postgres() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; }
have_redis() { command -v redis-server >/dev/null 2>&1; }
have_chromium() { [ -x /usr/bin/chromium ]; }

missing=()
have_postgres || missing+=(postgresql)
have_redis || missing+=(redis-server)
have_chromium || missing+=(chromium fonts-dejavu-core)

if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: PostgreSQL, Redis and Chromium are installed; nothing to do"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "bootstrap: no apt-get here. Install what is missing with your package manager: ${missing[*]}" >&2
  echo "           (PostgreSQL: initdb, postgres; Redis: redis-server; Chromium for the browser tests, or set" >&2
  echo "           CHROMIUM_PATH to a Chromium or Chrome; macOS: brew install postgresql@16 redis chromium)." >&2
  exit 2
fi

echo "bootstrap: installing with apt: ${missing[*]}"
echo "           (PostgreSQL's and Redis' own system services are not used: the AppHost starts its own instances on"
echo "           ports Aspire chooses; chromium is the browser the WebFrontend tests drive)"
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if ! have_postgres || ! have_redis || ! have_chromium; then
  echo "bootstrap: apt finished but something is still missing (expected initdb, redis-server, /usr/bin/chromium)" >&2
  exit 2
fi
echo "bootstrap: ready: PostgreSQL in $(ls -d /usr/lib/postgresql/*/bin | tail -n1), $(redis-server --version | cut -d' ' -f1-3)," \
  "$(/usr/bin/chromium --version 2>/dev/null)"
