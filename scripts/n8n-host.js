'use strict';
// Installs pinned real n8n releases into a cache folder outside git and drives them headlessly,
// the way ../shared/n8n-host.md measured on these machines. Used by the demo, the dev editor, the
// benchmark and the end-to-end tests. Run directly to install: `node scripts/n8n-host.js install [1|2|all]`.
//
// A host is checked, never trusted: it counts as installed only while its Node runs and its
// SQLite driver opens a database, and only after n8n itself once opened its database with it.
// Anything less (an interrupted install, a cache left by an older installer) is repaired.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { withLock } = require('./lock');

const CACHE_ROOT =
	process.env.FLOWIQ_N8N_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-flowiq');

const HOSTS = {
	1: { n8nVersion: '1.123.81', nodeVersion: null },
	// n8n 2.x needs Node >= 22.22 (2.41 checks for Node 24). 2.41.1 is the newest 2.x that installs
	// here: 2.41.3 depends on an @n8n/agents version the registry does not have.
	2: { n8nVersion: '2.41.1', nodeVersion: '24.21.0' },
};

/** Written into a host folder once n8n has opened its database there. */
const PROVEN_MARKER = '.proven.json';
const INSTALL_WAIT_MS = 30 * 60 * 1000;

function log(message) {
	process.stderr.write(`[n8n-host] ${message}\n`);
}

function hostDir(major) {
	return path.join(CACHE_ROOT, `n8n-${HOSTS[major].n8nVersion}`);
}

function nodeRuntimeDir(nodeVersion) {
	return path.join(CACHE_ROOT, `node-${nodeVersion}`);
}

/** Folder holding `bin/node` and `include/node` from the registry's `node` package. */
function nodeDistDir(nodeVersion) {
	return path.join(nodeRuntimeDir(nodeVersion), 'node_modules', 'node', 'node_modules', `node-linux-${process.arch}`);
}

/** The Node binary a host runs on: its own runtime, or the Node running this script. */
function hostNodeBinary(major) {
	const { nodeVersion } = HOSTS[major];
	return nodeVersion ? path.join(nodeDistDir(nodeVersion), 'bin', 'node') : process.execPath;
}

/**
 * npm settings that say only where the registry is and how to reach it. `npm run` exports every
 * setting it read, the project's .npmrc included, to its children as npm_config_*: inherited,
 * `ignore-scripts=true` silently kept sqlite3 unbuilt and the Node 24 binary unplaced. Child
 * processes keep these settings and none of the others.
 */
const NPM_REACH_SETTINGS = new Set([
	'registry', 'cache', 'cafile', 'ca', 'proxy', 'https_proxy', 'noproxy', 'strict_ssl', 'userconfig', 'globalconfig',
]);

/** `env` without what `npm run` added to it, bar the NPM_REACH_SETTINGS. */
function withoutNpmRunSettings(env) {
	return Object.fromEntries(
		Object.entries(env).filter(([key]) => {
			const name = key.toLowerCase();
			if (name.startsWith('npm_config_')) return NPM_REACH_SETTINGS.has(name.slice('npm_config_'.length));
			return !name.startsWith('npm_package_') && !name.startsWith('npm_lifecycle_');
		}),
	);
}

/** The folder above `include/node` beside a Node binary, when that Node ships its headers. */
function headersDirFor(nodeBinary) {
	const prefix = path.resolve(path.dirname(nodeBinary), '..');
	return fs.existsSync(path.join(prefix, 'include', 'node', 'node.h')) ? prefix : undefined;
}

/**
 * The environment for everything run in a host: its Node first on PATH, addons built against that
 * Node's own headers (node-gyp would otherwise download them, which fails on a closed network),
 * and none of the caller's npm run settings.
 */
function hostEnv(major, extra = {}) {
	const env = { ...withoutNpmRunSettings(process.env), ...extra };
	// n8n reads NODE_ENV=test (which jest sets) as its own test suite: a silent logger, so
	// `n8n execute` prints no run. A user's n8n never runs like that.
	if (env.NODE_ENV === 'test') delete env.NODE_ENV;
	const nodeBinary = hostNodeBinary(major);
	env.PATH = `${path.dirname(nodeBinary)}${path.delimiter}${env.PATH}`;
	const headers = headersDirFor(nodeBinary);
	if (headers) env.npm_config_nodedir = headers;
	return env;
}

function runLogged(command, args, { cwd, env, logFile, label }) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const out = fs.openSync(logFile, 'a');
		const child = spawn(command, args, { cwd, env, stdio: ['ignore', out, out] });
		const heartbeat = setInterval(() => {
			log(`  ${label}: still running (${Math.round((Date.now() - started) / 1000)} s)`);
		}, 20000);
		child.on('error', (error) => {
			clearInterval(heartbeat);
			reject(error);
		});
		child.on('close', (code) => {
			clearInterval(heartbeat);
			fs.closeSync(out);
			const seconds = Math.round((Date.now() - started) / 1000);
			if (code === 0) {
				log(`  ${label}: done in ${seconds} s`);
				resolve();
				return;
			}
			reject(new Error(`${label} failed (exit ${code}) after ${seconds} s. Last lines of ${logFile}:\n${tailOf(logFile)}`));
		});
	});
}

function tailOf(file, lines = 30) {
	return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

/** Runs a check; never throws. `output` holds what the command said, or why it could not run. */
function probe(command, args, options = {}) {
	const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60 * 1000, ...options });
	const output = [result.stdout, result.stderr, result.error?.message].filter(Boolean).join('\n').trim();
	return { ok: result.status === 0, output };
}

/** The line of a Node process's output that names its error, e.g. "Error: Could not locate the bindings file". */
function errorLine(output) {
	const lines = output.split('\n');
	return lines.find((line) => /^\w*Error: /.test(line)) ?? lines[lines.length - 1];
}

/** Why the Node runtime `nodeVersion` does not work, or null when its binary runs. */
function nodeRuntimeProblem(nodeVersion) {
	const binary = path.join(nodeDistDir(nodeVersion), 'bin', 'node');
	if (!fs.existsSync(binary)) return `has no Node ${nodeVersion} binary at ${binary}`;
	const { ok, output } = probe(binary, ['--version']);
	if (!ok || output !== `v${nodeVersion}`) return `has a Node binary at ${binary} that does not run as ${nodeVersion} (${output})`;
	return null;
}

// What n8n does first with its database: load the sqlite3 driver and open a database.
const SQLITE_PROBE =
	"const { Database } = require('sqlite3');" +
	"new Database(':memory:').get('select sqlite_version() as v', (error, row) => {" +
	' if (error) throw error; console.log(row.v); });';

/** Why host `major` does not work, or null when it does. Takes about 0.2 s. */
function hostProblem(major) {
	const spec = HOSTS[major];
	if (spec.nodeVersion) {
		const problem = nodeRuntimeProblem(spec.nodeVersion);
		if (problem) return problem;
	}
	const dir = hostDir(major);
	const n8nPackageDir = path.join(dir, 'node_modules', 'n8n');
	let installed;
	try {
		installed = JSON.parse(fs.readFileSync(path.join(n8nPackageDir, 'package.json'), 'utf8')).version;
	} catch {
		return 'has no n8n installed';
	}
	if (installed !== spec.n8nVersion) return `holds n8n ${installed}, not ${spec.n8nVersion}`;
	const sqlite = probe(hostNodeBinary(major), ['-e', SQLITE_PROBE], { cwd: n8nPackageDir, env: hostEnv(major) });
	if (!sqlite.ok) return `has a SQLite driver that cannot open a database (${errorLine(sqlite.output)})`;
	let proven;
	try {
		proven = JSON.parse(fs.readFileSync(path.join(dir, PROVEN_MARKER), 'utf8'));
	} catch {
		return 'was never seen to open its database (an interrupted install, or one by an older installer)';
	}
	if (proven.n8nVersion !== spec.n8nVersion) return `was proven for n8n ${proven.n8nVersion}, not ${spec.n8nVersion}`;
	return null;
}

/** Why n8n itself cannot open a database in a throw-away user folder, or null when it can. */
async function n8nDatabaseProblem(major) {
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'flowiq-host-check-'));
	try {
		const { code, stdout, stderr } = await runN8n(major, userFolder, ['list:workflow'], { timeoutMs: 3 * 60 * 1000 });
		return code === 0 ? null : `n8n list:workflow failed (exit ${code}):\n${`${stderr}\n${stdout}`.trim()}`;
	} finally {
		fs.rmSync(userFolder, { recursive: true, force: true });
	}
}

async function installNodeRuntime(nodeVersion) {
	const dir = nodeRuntimeDir(nodeVersion);
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify({ name: `node-${nodeVersion}-runtime`, private: true }, null, 2),
	);
	const logFile = path.join(dir, 'install.log');
	log(`Installing Node ${nodeVersion} from the npm registry's "node" package into ${dir}`);
	// The package places the binary in its install script.
	await runLogged('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts=false', `node@${nodeVersion}`], {
		cwd: dir,
		env: withoutNpmRunSettings(process.env),
		logFile,
		label: `npm install node@${nodeVersion}`,
	});
	const problem = nodeRuntimeProblem(nodeVersion);
	if (problem) throw new Error(`npm install node@${nodeVersion} finished, but ${dir} ${problem}. See ${logFile}`);
}

/** Runs the install steps in a host folder; they resume a half-finished install as well as start one. */
async function installN8n(major) {
	const spec = HOSTS[major];
	const dir = hostDir(major);
	fs.mkdirSync(dir, { recursive: true });
	fs.rmSync(path.join(dir, PROVEN_MARKER), { force: true });
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify(
			{
				name: 'n8n-host',
				private: true,
				dependencies: { n8n: spec.n8nVersion },
				// n8n-nodes-base pins xlsx to a tarball outside the registry.
				overrides: { xlsx: '0.18.5' },
			},
			null,
			2,
		),
	);
	const env = hostEnv(major);
	const logFile = path.join(dir, 'install.log');
	// Install scripts download binaries from outside the registry (or need a newer Node): skip
	// them all, then build the one addon n8n cannot run without from source.
	await runLogged('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], {
		cwd: dir,
		env,
		logFile,
		label: `npm install n8n@${spec.n8nVersion}`,
	});
	await runLogged('npm', ['rebuild', 'sqlite3', '--ignore-scripts=false', '--build-from-source'], {
		cwd: dir,
		env,
		logFile,
		label: 'build sqlite3 from source',
	});
	const problem = await n8nDatabaseProblem(major);
	if (problem) throw new Error(`n8n ${spec.n8nVersion} installed in ${dir}, but it does not work: ${problem}`);
	fs.writeFileSync(
		path.join(dir, PROVEN_MARKER),
		JSON.stringify({ n8nVersion: spec.n8nVersion, provenAt: new Date().toISOString() }, null, 2),
	);
}

/**
 * Makes host `major` (1 or 2) work and returns its folder: at once when it already works,
 * otherwise after installing or repairing it, saying which and why. One process at a time installs.
 */
async function ensureHost(major) {
	const spec = HOSTS[major];
	if (!spec) throw new Error(`Unknown n8n major version "${major}": use 1 or 2`);
	const dir = hostDir(major);
	if (!hostProblem(major)) return dir;
	fs.mkdirSync(CACHE_ROOT, { recursive: true });
	await withLock(`${dir}.lock`, { waitMs: INSTALL_WAIT_MS, what: `another install of n8n ${spec.n8nVersion}` }, async () => {
		const problem = hostProblem(major); // another process may have finished it while we waited
		if (!problem) return;
		const started = Date.now();
		const repairing = fs.existsSync(path.join(dir, 'node_modules'));
		if (repairing) log(`n8n ${spec.n8nVersion} in ${dir} ${problem}: repairing it`);
		else log(`Installing n8n ${spec.n8nVersion} into ${dir} (first time only: about 5 minutes, 1.8 GB)`);
		if (spec.nodeVersion && nodeRuntimeProblem(spec.nodeVersion)) await installNodeRuntime(spec.nodeVersion);
		try {
			await installN8n(major);
		} catch (error) {
			if (!repairing) throw error;
			log(`${error.message}\nThe repair did not work: installing into an empty ${dir} instead`);
			fs.rmSync(dir, { recursive: true, force: true });
			await installN8n(major);
		}
		log(`n8n ${spec.n8nVersion} works (installed in ${Math.round((Date.now() - started) / 1000)} s)`);
	});
	return dir;
}

function n8nBin(major) {
	return path.join(hostDir(major), 'node_modules', '.bin', 'n8n');
}

const PROJECT_ROOT = path.resolve(__dirname, '..');

function run(command, args, options = {}) {
	const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr || result.stdout}`);
	}
	return result.stdout;
}

const PACK_LOCK = path.join(os.tmpdir(), 'n8n-nodes-flowiq-pack.lock');

/**
 * Builds the package and packs it as `npm publish` would; resolves with the tarball's path.
 * The build empties and refills dist/, so packs take a lock shared by every process on this machine.
 */
async function packPackage(destination) {
	return withLock(PACK_LOCK, { waitMs: 10 * 60 * 1000, what: 'another build of the package' }, () => {
		fs.mkdirSync(destination, { recursive: true });
		run('npm', ['run', 'build', '--silent'], { cwd: PROJECT_ROOT });
		const [packed] = JSON.parse(
			run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], { cwd: PROJECT_ROOT }),
		);
		return path.join(destination, packed.filename);
	});
}

/**
 * Installs a packed tarball the way n8n's Community Nodes screen does: unpacked into
 * `<user folder>/.n8n/nodes/node_modules/<name>`, stripped of dev, peer and optional dependencies,
 * its own dependencies installed beside it without scripts, and listed in `.n8n/nodes/package.json`.
 */
function installLikeCommunityNodes(userFolder, tarball) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const { name } = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json']));
	const packageDir = path.join(nodesDir, 'node_modules', name);
	fs.rmSync(packageDir, { recursive: true, force: true });
	fs.mkdirSync(packageDir, { recursive: true });
	run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);

	const manifestPath = path.join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(
		fs.readFileSync(manifestPath, 'utf8'),
	);
	fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	run(
		'npm',
		['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'],
		{ cwd: packageDir, env: withoutNpmRunSettings(process.env) },
	);

	const listPath = path.join(nodesDir, 'package.json');
	const list = fs.existsSync(listPath)
		? JSON.parse(fs.readFileSync(listPath, 'utf8'))
		: { name: 'installed-nodes', private: true, dependencies: {} };
	list.dependencies = { ...list.dependencies, [name]: manifest.version };
	fs.writeFileSync(listPath, JSON.stringify(list, null, 2));
	return packageDir;
}

/**
 * Installs a packed tarball the way n8n's docs tell self-hosted and queue-mode users to: plain
 * `npm install` inside `<user folder>/.n8n/nodes`, install scripts on, with the host's own Node and
 * npm. Returns npm's output.
 */
function installWithNpm(major, userFolder, tarball) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	return run('npm', ['install', '--ignore-scripts=false', '--foreground-scripts', tarball], {
		cwd: nodesDir,
		env: hostEnv(major),
	});
}

/** The environment n8n-host.md measured for a headless n8n on these machines. */
function n8nEnv(major, userFolder, extra = {}) {
	return hostEnv(major, {
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'flowiq-local-test-encryption-key',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_RUNNERS_ENABLED: 'false',
		N8N_EXPRESSION_ENGINE: 'legacy',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		// `n8n execute` prints the run through its logger at info level: lower levels hide it.
		N8N_LOG_LEVEL: 'info',
		...extra,
	});
}

/** Runs the n8n CLI and resolves with its output and exit code; rejects only when it cannot run. */
function runN8n(major, userFolder, args, { timeoutMs = 180000 } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(n8nBin(major), args, { env: n8nEnv(major, userFolder), stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({ stdout, stderr, code });
		});
	});
}

async function runN8nOrFail(major, userFolder, args) {
	const result = await runN8n(major, userFolder, args);
	if (result.code !== 0) {
		throw new Error(`n8n ${args[0]} failed (exit ${result.code}):\n${result.stderr}\n${result.stdout}`.trim());
	}
	return result;
}

/**
 * Imports credentials and workflows (arrays in n8n's export format) into a user folder: one CLI
 * call for each kind, as every call costs seconds of n8n start-up.
 */
async function importIntoN8n(major, userFolder, { credentials = [], workflows = [] }) {
	const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'flowiq-import-'));
	try {
		if (credentials.length) {
			const file = path.join(staging, 'credentials.json');
			fs.writeFileSync(file, JSON.stringify(credentials));
			await runN8nOrFail(major, userFolder, ['import:credentials', `--input=${file}`]);
		}
		if (workflows.length) {
			const folder = path.join(staging, 'workflows');
			fs.mkdirSync(folder);
			for (const workflow of workflows) {
				fs.writeFileSync(path.join(folder, `${workflow.id}.json`), JSON.stringify(workflow));
			}
			await runN8nOrFail(major, userFolder, ['import:workflow', '--separate', `--input=${folder}`]);
		}
	} finally {
		fs.rmSync(staging, { recursive: true, force: true });
	}
}

/**
 * Runs a saved workflow with `n8n execute` and returns the run as n8n reports it, failed runs
 * included (their error is in `data.resultData.error`), with everything n8n printed.
 */
async function executeWorkflowPrinting(major, userFolder, workflowId) {
	const { stdout, stderr, code } = await runN8n(major, userFolder, ['execute', `--id=${workflowId}`, '--rawOutput']);
	// The run is pretty-printed JSON from a line holding only "{" to the next line holding only
	// "}": n8n 2.x may log before and after it.
	const run = /^\{$[\s\S]*?^\}$/m.exec(stdout);
	if (!run) throw new Error(`n8n execute (exit ${code}) printed no run data:\n${stderr}\n${stdout}`.trim());
	return { run: JSON.parse(run[0]), printed: `${stdout}\n${stderr}` };
}

/** The run of a saved workflow, as `executeWorkflowPrinting` gives it, without the printed output. */
async function executeWorkflow(major, userFolder, workflowId) {
	return (await executeWorkflowPrinting(major, userFolder, workflowId)).run;
}

module.exports = {
	HOSTS,
	CACHE_ROOT,
	hostDir,
	ensureHost,
	hostProblem,
	withoutNpmRunSettings,
	hostEnv,
	n8nEnv,
	n8nBin,
	packPackage,
	installLikeCommunityNodes,
	installWithNpm,
	runN8n,
	runN8nOrFail,
	importIntoN8n,
	executeWorkflow,
	executeWorkflowPrinting,
	log,
};

if (require.main === module) {
	const [command, which = 'all'] = process.argv.slice(2);
	if (command !== 'install') {
		console.error('usage: node scripts/n8n-host.js install [1|2|all]');
		process.exit(2);
	}
	const majors = which === 'all' ? Object.keys(HOSTS) : [which];
	(async () => {
		for (const major of majors) {
			const dir = await ensureHost(major);
			const version = spawnSync(n8nBin(major), ['--version'], { env: hostEnv(major), encoding: 'utf8' });
			log(`n8n ${major}.x ready in ${dir}: ${String(version.stdout).trim() || version.stderr}`);
		}
	})().catch((error) => {
		log(error.message);
		process.exit(1);
	});
}
