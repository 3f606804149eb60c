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

# Debian packages the tests use: chromium for the editor screenshot, postgresql and redis-server
# for queue mode (scripts/queue-mode.js runs its own throw-away instances of both).
missing_debs=()
command -v chromium >/dev/null 2>&1 || missing_debs+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing_debs+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing_debs+=(redis-server)
if [ "${#missing_debs[@]}" -gt 0 ]; then
	phase "Installing Debian packages: ${missing_debs[*]}"
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing ${missing_debs[*]}: run 'sudo apt-get install -y ${missing_debs[*]}' once, then try again" >&2
		exit 1
	fi
	# The package lists are refreshed only when the install cannot go ahead without them.
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_debs[@]}" >/dev/null; then
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_debs[@]}" >/dev/null
	fi
fi

phase "Checking the real n8n hosts, installing or repairing them (first time: several minutes)"
node scripts/n8n-host.js install all

phase "Lint (n8n's community node rules) and type check"
npm run lint
npm run typecheck

phase "Tests: unit, node-in-engine, sandbox, reliability, pack, end-to-end in real n8n"
npm test
