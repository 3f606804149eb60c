'use strict';
// The package packed as `npm publish` would, once per test file, in a folder removed afterwards.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const host = require('../../scripts/n8n-host');

/** Packs in `beforeAll` (allowing `timeoutMs`); returns a function that gives the tarball's path. */
function usePackedPackage(timeoutMs) {
	let packDir;
	let tarball;
	beforeAll(async () => {
		packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowiq-e2e-pack-'));
		tarball = await host.packPackage(packDir);
	}, timeoutMs);
	afterAll(() => {
		if (packDir) fs.rmSync(packDir, { recursive: true, force: true });
	});
	return () => tarball;
}

module.exports = { usePackedPackage };
