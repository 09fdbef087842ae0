# shellcheck shell=bash
# Sourced: node24_bin prints the path of a Node 24 LTS binary — the npm package node@24 (the
# binary ships inside the registry package), installed once into a cache folder.
NODE24_VERSION=24.21.0
node24_bin() {
  local prefix=${NODE24_PREFIX:-$HOME/.cache/deltica-node24}
  local bin=$prefix/node_modules/node/bin/node
  if [[ ! -x $bin ]] || [[ $("$bin" --version) != "v$NODE24_VERSION" ]]; then
    npm install --prefix "$prefix" --no-audit --no-fund --no-save "node@$NODE24_VERSION" >&2
  fi
  echo "$bin"
}
