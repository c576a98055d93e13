#!/usr/bin/env bash
# Installs what the real-VS Code test tiers and `npm start` need, idempotently and cached between runs:
# Debian's chromium and ripgrep (plus the headers code-server's native modules build against), and
# code-server (VS Code 1.100.3 for the browser, the last release that runs on Node 20) in its own folder.
# Prints the code-server folder as its last line.
set -euo pipefail

CS_VERSION=4.100.3
CACHE=${PLANASONIX_VSCODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/planasonix-vscode}
CS_DIR="$CACHE/code-server-$CS_VERSION"
say() { echo "setup-vscode: $*" >&2; }

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
for pkg in libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then say "needs root to install: ${missing[*]}"; exit 1; fi
  say "installing from Debian's packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# @vscode/ripgrep downloads rg at install time unless its cache already holds the archive: seed it
# with Debian's rg so nothing is fetched from outside.
tmp=$(node -p "require('os').tmpdir()")
seed="$tmp/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -s "$seed" ]; then
  work=$(mktemp -d)
  cp "$(command -v rg)" "$work/rg"
  mkdir -p "$(dirname "$seed")"
  tar -czf "$seed" -C "$work" rg
  rm -rf "$work"
fi

if [ ! -x "$CS_DIR/node_modules/.bin/code-server" ]; then
  say "installing code-server $CS_VERSION into $CS_DIR (about 2 minutes, once)"
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  echo '{ "name": "planasonix-code-server", "private": true }' > "$CS_DIR/package.json"
  # Its postinstall refuses root without unsafe-perm, and node-pty's must not prompt.
  (cd "$CS_DIR" && npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION" >&2)
fi
# On a fresh machine code-server first logs that it wrote a default config file; the version is a later line.
version=$("$CS_DIR/node_modules/.bin/code-server" --version 2>/dev/null | grep -E "^[0-9]+\.[0-9]+\.[0-9]+ " | head -1 || true)
case "$version" in
  "$CS_VERSION "*) ;;
  *) say "code-server in $CS_DIR reports \"${version:-no version}\", not $CS_VERSION; delete that folder and run again"; exit 1 ;;
esac
echo "$CS_DIR"
