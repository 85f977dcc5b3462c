#!/usr/bin/env bash
# Installs what local mode needs on a Debian/Ubuntu machine that has the .NET 10 SDK:
#   - PostgreSQL server and Redis (apt)            required: the AppHost starts them from these binaries
#   - the Aspire dashboard, from the Aspire CLI on npm   optional: telemetry UI; skipped when npm is missing
# Safe to run again. Needs root or sudo for apt.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
aspire_cli_version="${ASPIRE_CLI_VERSION:-13.5.4}"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

have_postgres() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; }
have_redis() { command -v redis-server >/dev/null 2>&1; }

if ! have_postgres || ! have_redis; then
  echo "bootstrap: installing postgresql and redis-server (apt)"
  as_root apt-get update -qq
  # The packages' own services are not used (the AppHost runs its own instances on free ports).
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql redis-server >/dev/null
fi
echo "bootstrap: postgres $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | head -n1), $(redis-server --version | cut -d' ' -f1-3)"

cli="$repo_root/.tools/node_modules/@microsoft/aspire-cli-linux-x64/bin/aspire"
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "bootstrap: the npm Aspire CLI is linux-x64 only; skipping the dashboard (Aspire mode brings its own)"
elif ! command -v npm >/dev/null 2>&1; then
  echo "bootstrap: npm not found; skipping the optional Aspire dashboard"
elif [ ! -x "$cli" ]; then
  echo "bootstrap: installing the Aspire dashboard (npm @microsoft/aspire-cli-linux-x64@$aspire_cli_version)"
  if npm install --prefix "$repo_root/.tools" --no-save --no-audit --no-fund --loglevel=error \
      "@microsoft/aspire-cli-linux-x64@$aspire_cli_version" >/dev/null; then
    # Unpack the CLI's bundle (dashboard included) once, up front, instead of at the first run.
    ASPIRE_CLI_TELEMETRY_OPTOUT=1 "$cli" setup --non-interactive --force >/dev/null \
      || echo "bootstrap: aspire setup failed; the dashboard will unpack on first use"
  else
    echo "bootstrap: npm install failed; continuing without the dashboard"
  fi
fi
[ -x "$cli" ] && echo "bootstrap: dashboard $("$cli" --version 2>/dev/null | cut -d+ -f1)"
echo "bootstrap: done"
