#!/usr/bin/env bash
# The package as a user gets it: packed from this clone (prepack builds dist), installed into an
# empty folder the way `npm install` does (from the registry, or npm's cache when offline), and
# used through its bin: a CLI execution and an MCP tools/list over stdio; then, with vitest (its
# optional peer) added, a spec that runs the exported contract suites (tmws-patterns/testing). Run by .ci/run.
set -euo pipefail

smoke_dir="$(mktemp -d)"
trap 'rm -rf "$smoke_dir"' EXIT
tarball="$(npm pack --silent --pack-destination "$smoke_dir" | tail -n 1)"
contents="$(tar tzf "$smoke_dir/$tarball")"
echo "ci: packed $tarball ($(wc -l <<<"$contents") files)"
for file in package/dist/cli/main.js package/dist/index.d.ts package/dist/testing/index.js package/LICENSE package/README.md; do
  grep -qx "$file" <<<"$contents" || { echo "ci: the tarball lacks $file" >&2; exit 1; }
done

mkdir "$smoke_dir/app"
cp .ci/mcp-tools-list.mjs .ci/testing-export.test.mjs "$smoke_dir/app/"
vitest_version="$(node -p "require('./package-lock.json').packages['node_modules/vitest'].version")"
(
  cd "$smoke_dir/app"
  # allowScripts: npm 11 asks each project to approve install scripts (better-sqlite3's native build).
  echo '{ "name": "tmws-smoke", "private": true, "type": "module", "allowScripts": { "better-sqlite3": true } }' >package.json
  npm install --no-audit --no-fund --prefer-offline "$smoke_dir/$tarball" 2>&1 | tee install.log
  if grep -q EBADENGINE install.log; then echo "ci: the install warned EBADENGINE" >&2; exit 1; fi
  echo "ci: installed, node_modules $(du -sh node_modules | cut -f1)"
  export TMWS_DATABASE_URL="$smoke_dir/smoke.db"
  ./node_modules/.bin/tmws-patterns exec "check database health"
  node mcp-tools-list.mjs
  # Not installed with the package (an optional peer): a backend author adds it to run the suites.
  node --input-type=module -e "await import('tmws-patterns/testing').then(() => process.exit(1), () => {})" ||
    { echo "ci: tmws-patterns/testing loaded without vitest installed?" >&2; exit 1; }
  npm install --no-audit --no-fund --prefer-offline "vitest@$vitest_version" >/dev/null
  ./node_modules/.bin/vitest run testing-export.test.mjs
)
