#!/usr/bin/env bash
# `npm run test:all`: everything a fresh machine needs, then every check and test, timing each phase.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
phase_started=$SECONDS
timings=()
phase_name=""

# Closes the running phase (recording its time) and opens the next one.
phase() {
	end_phase
	phase_name="$*"
	phase_started=$SECONDS
	printf '\n== %s\n' "$phase_name"
}
end_phase() {
	if [ -n "$phase_name" ]; then
		local took=$((SECONDS - phase_started))
		timings+=("$(printf '%5d s  %s' "$took" "$phase_name")")
		printf '== %s: %d s\n' "$phase_name" "$took"
	fi
}
summary() {
	local status=$?
	end_phase
	phase_name=""
	printf '\n== Time per phase\n'
	printf '%s\n' "${timings[@]}"
	printf '%5d s  in all (exit %d)\n' "$((SECONDS - started))" "$status"
}
trap summary EXIT

phase "Installing the project's dependencies"
npm ci --no-audit --no-fund

if ! command -v chromium >/dev/null 2>&1; then
	phase "Installing Debian's chromium for the editor screenshot test"
	if [ "$(id -u)" -ne 0 ]; then
		echo "chromium is missing: run 'sudo apt-get install -y chromium' once, then try again" >&2
		exit 1
	fi
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

phase "Checking the real n8n hosts, installing or repairing them (first time: several minutes)"
node scripts/n8n-host.js install all

phase "Lint (n8n's community node rules) and type check"
npm run lint
npm run typecheck

phase "Tests: unit, node-in-engine, sandbox, reliability, pack, end-to-end in real n8n"
npm test
