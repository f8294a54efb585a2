#!/usr/bin/env bash
# Installs what the end-to-end test needs on a Debian machine that reaches only npm and apt:
# Chromium, the krb5 headers and ripgrep from Debian, and code-server (the VS Code 1.100.3
# workbench, the last release whose engines accept Node 20) from npm into a cache folder
# outside the repository. Skips whatever is already there. Recipe: ../shared/e2e/RECIPE.md §1.
#   e2e/install-code-server.sh [DEST]   (default ${XDG_CACHE_HOME:-$HOME/.cache}/tlbscn-e2e/code-server)
set -euo pipefail
DEST="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/tlbscn-e2e/code-server}"
CS_VERSION=4.100.3

if ! command -v chromium >/dev/null || ! command -v rg >/dev/null || [ ! -e /usr/include/gssapi/gssapi.h ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libkrb5-dev ripgrep >/dev/null
fi

CS="$DEST/node_modules/.bin/code-server"
if [ -x "$CS" ] && "$CS" --version --config "$DEST/config.yaml" 2>/dev/null | grep -q "^$CS_VERSION "; then
  echo "code-server $CS_VERSION already in $DEST"
  exit 0
fi

# @vscode/ripgrep's postinstall would download rg from GitHub; it first looks in this cache,
# so seed it with Debian's rg packed under the asset name it expects.
RG_PKG_VERSION=1.15.11; RG_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
CACHE="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-$RG_PKG_VERSION"
if [ ! -f "$CACHE/$RG_ASSET" ]; then
  mkdir -p "$CACHE"; STAGE="$(mktemp -d)"; cp "$(command -v rg)" "$STAGE/rg"
  tar czf "$CACHE/$RG_ASSET" -C "$STAGE" rg; rm -rf "$STAGE"
fi

mkdir -p "$DEST"; cd "$DEST"
[ -f package.json ] || echo '{"name":"tlbscn-e2e-code-server","private":true}' > package.json
# code-server's postinstall refuses root unless npm_config_unsafe_perm=true (npm 11 no longer sets
# it from a flag); node-pty's postinstall runs `npx node-gyp`, which needs npm_config_yes=true.
npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION"
"$CS" --version --config "$DEST/config.yaml"
