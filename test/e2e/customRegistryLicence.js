'use strict';
/**
 * Preloaded into `n8n start` (NODE_OPTIONS="--require <this file>") by communityInstall.e2e.test.js.
 *
 * n8n's Community Nodes install downloads from N8N_COMMUNITY_PACKAGES_REGISTRY only, and accepts a
 * registry other than the public one only when its licence has the custom-registry feature. The
 * test's registry lives on 127.0.0.1 (localRegistry.js), so this turns on that one check,
 * License#isCustomNpmRegistryEnabled, and nothing else: every other step of the install (the
 * download with npm, unpacking, the API-version check, loading the nodes, the database rows) is
 * n8n's own.
 *
 * FLOWIQ_N8N_HOST_DIR names the host folder (scripts/n8n-host.js) whose n8n is patched. The file is
 * found by resolving n8n's license module from there, and patched when n8n itself loads it (n8n
 * orders its early loads with care, so this loads nothing ahead of it). NODE_OPTIONS reaches every
 * Node process n8n starts, npm among them: those are left alone.
 *
 * It fails loudly instead of quietly doing nothing: a missing module throws here, at start, and a
 * license module without the method throws as n8n loads it, so an n8n upgrade that renames or moves
 * the check stops `n8n start` with this file's name in the error.
 */
const fs = require('node:fs');
const Module = require('node:module');

const METHOD = 'isCustomNpmRegistryEnabled';
const WHERE = 'test/e2e/customRegistryLicence.js';

/** Real paths of the host's n8n entry script and its license module; throws when either is missing. */
function hostFiles(hostDir) {
	if (!hostDir) throw new Error(`${WHERE}: FLOWIQ_N8N_HOST_DIR is not set, so there is no n8n to patch`);
	const resolve = (request) => {
		try {
			return fs.realpathSync(require.resolve(request, { paths: [hostDir] }));
		} catch (error) {
			throw new Error(`${WHERE}: cannot find ${request} in ${hostDir} (did n8n move it?): ${error.message}`);
		}
	};
	return { bin: resolve('n8n/bin/n8n'), license: resolve('n8n/dist/license.js') };
}

/** Whether this process is that n8n (and not npm, or another Node program n8n started). */
function isProcess(bin) {
	try {
		return Boolean(process.argv[1]) && fs.realpathSync(process.argv[1]) === bin;
	} catch {
		return false;
	}
}

/** Makes the custom-registry check of n8n's License class say yes; throws when there is none. */
function unlockCustomRegistry(licenseExports, file) {
	const License = licenseExports?.License;
	if (typeof License?.prototype?.[METHOD] !== 'function') {
		throw new Error(
			`${WHERE}: ${file} has no License.prototype.${METHOD}(); n8n changed how it allows a custom ` +
				'community-packages registry, so the Community Nodes install test cannot unlock it. Update this file.',
		);
	}
	License.prototype[METHOD] = function customRegistryAllowedForTheLoopbackTestRegistry() {
		return true;
	};
}

/** Patches the license module right after n8n's own `require` of it has run it. */
function patchWhenLoaded(licenseFile) {
	const compile = Module._extensions['.js'];
	let patched = false;
	Module._extensions['.js'] = function compileAndPatch(module, filename) {
		compile.call(this, module, filename);
		if (!patched && filename === licenseFile) {
			patched = true;
			unlockCustomRegistry(module.exports, filename);
		}
	};
}

const files = hostFiles(process.env.FLOWIQ_N8N_HOST_DIR);
if (isProcess(files.bin)) patchWhenLoaded(files.license);
