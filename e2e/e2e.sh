#!/usr/bin/env bash
# The extension end to end in a real VS Code (code-server 4.100.3 + Debian's Chromium, loopback
# only, offline): package OUR .vsix, install it into a fresh extensions dir, open a copy of the
# sample scenarios, drive the workbench (e2e/drive.ts, then the core map panel: e2e/core-map.ts,
# then per-thread stepping and Save Schedule in the early-clear race: e2e/schedule.ts, with
# screenshots), then run the extension's own mocha suite in the extension host (e2e/run-ext-tests.ts).
#   npm run test:e2e            env: CS_DIR (code-server install), E2E_RUN_DIR (scratch dir)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CS_DIR="${CS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tlbscn-e2e/code-server}"
RUN_DIR="${E2E_RUN_DIR:-$(mktemp -d /tmp/tlbscn-e2e-XXXXXX)}"
CS="$CS_DIR/node_modules/.bin/code-server"
T0=$(date +%s.%N); ts() { awk -v a="$(date +%s.%N)" -v b="$T0" -v m="$*" 'BEGIN{printf "[%6.1fs] %s\n", a-b, m}'; }

bash "$ROOT/e2e/install-code-server.sh" "$CS_DIR"
ts "code-server ready in $CS_DIR"

cd "$ROOT"
VERSION="$(node -p 'require("./package.json").version')"
VSIX="$ROOT/tlbscn-$VERSION.vsix"
npm run --silent package >"$RUN_DIR/package.log" 2>&1 || { cat "$RUN_DIR/package.log"; exit 1; }
ts "packaged $(basename "$VSIX") ($(du -k "$VSIX" | cut -f1) KB)"

# A fresh workspace (the sample scenarios, no launch.json: F5 must just work), user data and extensions.
mkdir -p "$RUN_DIR/ws" "$RUN_DIR/udd/User" "$RUN_DIR/exts" "$RUN_DIR/shots"
cp "$ROOT"/sample-scenarios/*.tlbscn "$RUN_DIR/ws/"
# and the races the explorer finds, in their folder (the Testing view lists them as explore tests)
cp -r "$ROOT"/sample-scenarios/races "$RUN_DIR/ws/races"
cp "$ROOT/e2e/settings.json" "$RUN_DIR/udd/User/settings.json"
COMMON=(--config "$RUN_DIR/config.yaml" --user-data-dir "$RUN_DIR/udd" --extensions-dir "$RUN_DIR/exts")
"$CS" "${COMMON[@]}" --install-extension "$VSIX" >"$RUN_DIR/install.log" 2>&1
INSTALLED="$("$CS" "${COMMON[@]}" --list-extensions --show-versions 2>/dev/null | grep -v '^\[' | tr '\n' ' ')"
ts "installed: $INSTALLED"
case "$INSTALLED" in *"tlbscn.tlbscn@$VERSION"*) ;; *) echo "FAIL: the .vsix did not install"; exit 1 ;; esac

# One fresh code-server per run, in its own process group so that it stops as a whole.
PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
setsid "$CS" "${COMMON[@]}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override --ignore-last-opened "$RUN_DIR/ws" \
  >"$RUN_DIR/code-server.log" 2>&1 &
CS_PID=$!
stop() { kill -TERM -- "-$CS_PID" 2>/dev/null || true; sleep 1; kill -KILL -- "-$CS_PID" 2>/dev/null || true; }
trap stop EXIT
for _ in $(seq 150); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
ts "code-server pid $CS_PID on 127.0.0.1:$PORT"

RC=0
node --import tsx "$ROOT/e2e/drive.ts" "http://127.0.0.1:$PORT" "$RUN_DIR/ws" "$RUN_DIR/shots" || RC=1
ts "workbench checks done (rc $RC)"
node --import tsx "$ROOT/e2e/core-map.ts" "http://127.0.0.1:$PORT" "$RUN_DIR/ws" "$RUN_DIR/shots" || RC=1
ts "core map checks done (rc $RC)"
node --import tsx "$ROOT/e2e/schedule.ts" "http://127.0.0.1:$PORT" "$RUN_DIR/ws" "$RUN_DIR/shots" || RC=1
ts "schedule checks done (rc $RC)"
node --import tsx "$ROOT/e2e/run-ext-tests.ts" "http://127.0.0.1:$PORT" "$RUN_DIR/ws" "$ROOT" "$ROOT/dist/test/index.js" "$RUN_DIR/shots" || RC=1
ts "extension-host tests done (rc $RC)"
ts "screenshots in $RUN_DIR/shots; logs in $RUN_DIR"
[ "$RC" = 0 ] && echo "e2e: PASS" || echo "e2e: FAIL"
exit $RC
