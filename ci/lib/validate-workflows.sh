#!/usr/bin/env bash
# ci/lib/validate-workflows.sh [TOOLS_DIR] - checks every GitHub Actions
# workflow in .github/workflows against the workflow schema with
# @action-validator/cli (npm, pinned below), installed into TOOLS_DIR
# (default build/tools) on first use.  Proves the validator can fail first:
# a workflow with an unknown trigger and a job without runs-on must be
# refused.  Exits 1 if a workflow is invalid, 2 if the tool cannot be had.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=0.6.0
tools=${1:-build/tools}
av=$tools/node_modules/.bin/action-validator
if [ ! -x "$av" ] || [ "$(cat "$tools/.av-version" 2>/dev/null)" != "$version" ]; then
	command -v npm >/dev/null || { echo "validate-workflows: npm is not installed" >&2; exit 2; }
	mkdir -p "$tools"
	npm install --prefix "$tools" --no-audit --no-fund --silent \
		"@action-validator/cli@$version" >/dev/null ||
		{ echo "validate-workflows: cannot install @action-validator/cli@$version" >&2; exit 2; }
	echo "$version" >"$tools/.av-version"
fi
bad=$(mktemp --suffix=.yml)
trap 'rm -f "$bad"' EXIT
printf 'name: broken\non: pussh\njobs:\n  a:\n    steps: []\n' >"$bad"
if "$av" "$bad" >/dev/null 2>&1; then
	echo "validate-workflows: the validator accepted a broken workflow" >&2
	exit 1
fi
status=0 n=0
for f in .github/workflows/*.yml; do
	n=$((n + 1))
	if out=$("$av" "$f" 2>&1); then
		echo "ok   $f"
	else
		echo "FAIL $f"
		printf '%s\n' "$out" | sed 's/^/     /'
		status=1
	fi
done
[ "$n" -gt 0 ] || { echo "validate-workflows: no workflow in .github/workflows" >&2; exit 1; }
exit $status
