#!/usr/bin/env bash
# `npm run test:all`: everything a fresh machine needs, then every check and test.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "Installing the project's dependencies"
npm ci --no-audit --no-fund

if ! command -v chromium >/dev/null 2>&1; then
	step "Installing Debian's chromium for the editor screenshot test"
	if [ "$(id -u)" -ne 0 ]; then
		echo "chromium is missing: run 'sudo apt-get install -y chromium' once, then try again" >&2
		exit 1
	fi
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

step "Installing the real n8n hosts (first time only: several minutes)"
node scripts/n8n-host.js install all

step "Lint (n8n's community node rules) and type check"
npm run lint
npm run typecheck

step "Tests: unit, node-in-engine, sandbox, reliability, pack, end-to-end in real n8n"
npm test
