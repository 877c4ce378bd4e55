# Source this file (`. .ci/use-node.sh`): when the node on PATH is older than the project's Node.js
# major (.nvmrc), install NODE_VERSION from the npm registry into .tools/ (gitignored) and put it
# first on PATH. The registry's node-<platform>-<arch> packages hold the official Node.js binary
# (https://www.npmjs.com/package/node, the package family `npm install node` itself installs from);
# npm checks the tarball against the registry's integrity hash. Idempotent: an installed binary of
# the right version is reused, and nothing else is downloaded. npm itself stays the machine's: it is
# a script that runs on whichever node comes first on PATH.
NODE_VERSION=22.23.5
# This file's folder, in bash (BASH_SOURCE) and zsh ($0 of a sourced file).
taskflow_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"

taskflow_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(taskflow_node_major)" -lt "$(cut -d. -f1 "$taskflow_root/.nvmrc")" ]; then
  taskflow_node_pkg="node-$(node -p 'process.platform + "-" + process.arch')"
  taskflow_node_dir="$taskflow_root/.tools/node-$NODE_VERSION"
  if [ "$("$taskflow_node_dir/node_modules/.bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
    npm install --prefix "$taskflow_node_dir" --no-save --no-package-lock --no-audit --no-fund "$taskflow_node_pkg@$NODE_VERSION" >&2
  fi
  export PATH="$taskflow_node_dir/node_modules/.bin:$PATH"
  unset taskflow_node_pkg taskflow_node_dir
fi
unset -f taskflow_node_major
unset taskflow_root
echo "Node.js $(node --version) ($(command -v node))" >&2
