#!/usr/bin/env bash
# Follows docs/deployment.md (sections 3 to 6) in a throwaway root folder: pack, production
# install from the tarball (no dev dependencies), --version, init, migrate, status, backup.
# Changes nothing outside that folder: no user, no /etc, no systemd. Needs network for npm.
#   test/deploy-rehearsal.sh [ROOT]      (default: a new mktemp -d; its output goes to stdout)
# The recorded run is docs/deployment-rehearsal.txt.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
ROOT=${1:-$(mktemp -d /tmp/amiq-rehearsal.XXXXXX)}
step() { printf '\n$ %s\n' "$*"; }
run() { step "$@"; "$@"; }

echo "rehearsal root: $ROOT (stands for /)"
echo "node $(node --version), npm $(npm --version), $(. /etc/os-release && echo "$PRETTY_NAME")"
mkdir -p "$ROOT/opt/amiq" "$ROOT/etc/amiq" "$ROOT/var/lib/amiq" "$ROOT/var/log/amiq" "$ROOT/build"

# 3. Build the package once (here: from this checkout, which has its dev dependencies).
step "cd $REPO && npm pack --pack-destination $ROOT/build"
TGZ=$(cd "$REPO" && npm pack --silent --pack-destination "$ROOT/build" | tail -n 1)
TGZ="$ROOT/build/$TGZ"
ls -l "$TGZ" | awk '{print $5, $9}'

# 4. Production install: no dev dependencies, nothing compiled by TypeScript on the host.
# --prefix: without it npm installs into the nearest ancestor holding a node_modules or package.json.
cd "$ROOT/opt/amiq"
run npm install --prefix "$ROOT/opt/amiq" --omit=dev --no-audit --no-fund "$TGZ"
AMIQ="$ROOT/opt/amiq/node_modules/.bin/amiq"
step "ls node_modules | grep -E '^(typescript|vitest)$' (dev dependencies: expect none)"
if ls node_modules | grep -E '^(typescript|vitest)$'; then echo "FAIL: dev dependencies installed"; exit 1; fi
echo "(none)"
run "$AMIQ" --version

# 5. Configuration and database.
CONF="$ROOT/etc/amiq/amiq.toml"
DB="$ROOT/var/lib/amiq/amiq.db"
cd "$ROOT/var/lib/amiq"
step "amiq status   (before init: no database, exit 2)"
set +e; "$AMIQ" --config "$CONF" status; echo "exit $?"; set -e
run "$AMIQ" --config "$CONF" --db "$DB" init
step "sed -i (database.path, workers.log_dir) $CONF"
sed -i -e "s|^path = \"amiq.db\"|path = \"$DB\"|" -e "s|^log_dir = \"logs\"|log_dir = \"$ROOT/var/log/amiq\"|" "$CONF"
grep -E '^(path|log_dir) = ' "$CONF"
run "$AMIQ" --config "$CONF" migrate
step "amiq status   (workers not started yet: exit 3)"
set +e; "$AMIQ" --config "$CONF" status; echo "exit $?"; set -e

# 6. A worker that needs no Asterisk, then the health check and a backup while it runs.
step "amiq run heartbeat -t &   (random statuses, no Asterisk)"
sed -i -e 's|^port = 5050 |port = 15050 |' "$CONF"
AMIQ_LOG_FORMAT=json "$AMIQ" --config "$CONF" run heartbeat -t > "$ROOT/var/log/amiq/heartbeat.log" 2>&1 &
HB=$!
for _ in $(seq 1 100); do grep -q 'heartbeat: listening' "$ROOT/var/log/amiq/heartbeat.log" 2>/dev/null && break; sleep 0.1; done
step "amiq status --json | (heartbeat alive?)"
"$AMIQ" --config "$CONF" status --json | node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8"));for(const w of r.workers)console.log(w.name, w.alive ? "alive" : "down", w.ami_state ?? "")' || true
run "$AMIQ" --config "$CONF" backup "$ROOT/var/lib/amiq/backup.db"
run "$AMIQ" --config "$CONF" stop heartbeat
wait "$HB" || true
step "sqlite3 backup.db 'PRAGMA integrity_check'"
if command -v sqlite3 >/dev/null; then sqlite3 "$ROOT/var/lib/amiq/backup.db" 'PRAGMA integrity_check'; else echo "(sqlite3 not installed)"; fi
echo
echo "rehearsal done: $ROOT"
