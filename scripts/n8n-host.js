'use strict';
// Installs pinned real n8n releases into a cache folder outside git and drives them headlessly,
// the way ../shared/n8n-host.md measured on these machines. Used by the demo, the dev editor and
// the end-to-end tests. Run directly to install: `node scripts/n8n-host.js install [1|2|all]`.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CACHE_ROOT =
	process.env.FLOWIQ_N8N_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-flowiq');

const HOSTS = {
	1: { n8nVersion: '1.123.81', nodeMajor: null },
	// n8n 2.x needs Node >= 22.22; the newest 2.x depends on a package missing from the registry.
	2: { n8nVersion: '2.35.0', nodeMajor: 24 },
};

function log(message) {
	process.stderr.write(`[n8n-host] ${message}\n`);
}

function hostDir(major) {
	return path.join(CACHE_ROOT, `n8n-${HOSTS[major].n8nVersion}`);
}

function nodeRuntimeDir(nodeMajor) {
	return path.join(CACHE_ROOT, `node-${nodeMajor}`);
}

/** Folder holding the `node` binary and headers from the registry's `node` package. */
function nodeDistDir(nodeMajor) {
	return path.join(nodeRuntimeDir(nodeMajor), 'node_modules', 'node', 'node_modules', `node-linux-${process.arch}`);
}

/** Environment that puts the host's Node first on PATH and builds addons against its headers. */
function hostEnv(major, extra = {}) {
	const env = { ...process.env, ...extra };
	// n8n reads NODE_ENV=test (which jest sets) as its own test suite: a silent logger, so
	// `n8n execute` prints no run. A user's n8n never runs like that.
	if (env.NODE_ENV === 'test') delete env.NODE_ENV;
	const { nodeMajor } = HOSTS[major];
	if (nodeMajor) {
		const dist = nodeDistDir(nodeMajor);
		env.PATH = `${path.join(dist, 'bin')}${path.delimiter}${env.PATH}`;
		env.npm_config_nodedir = dist;
	}
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
			const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
			reject(new Error(`${label} failed (exit ${code}) after ${seconds} s. Last lines of ${logFile}:\n${tail}`));
		});
	});
}

async function ensureNodeRuntime(nodeMajor) {
	const dir = nodeRuntimeDir(nodeMajor);
	const marker = path.join(dir, '.installed');
	if (fs.existsSync(marker)) return;
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify({ name: `node-${nodeMajor}-runtime`, private: true }, null, 2),
	);
	log(`Installing Node ${nodeMajor} from the npm registry's "node" package into ${dir}`);
	await runLogged('npm', ['install', '--no-audit', '--no-fund', `node@${nodeMajor}`], {
		cwd: dir,
		env: process.env,
		logFile: path.join(dir, 'install.log'),
		label: `npm install node@${nodeMajor}`,
	});
	if (!fs.existsSync(path.join(nodeDistDir(nodeMajor), 'bin', 'node'))) {
		throw new Error(`node@${nodeMajor} installed, but no binary at ${nodeDistDir(nodeMajor)}/bin/node`);
	}
	fs.writeFileSync(marker, new Date().toISOString());
}

/** Installs n8n `major` (1 or 2) once; later calls return at once. Returns the host folder. */
async function ensureHost(major) {
	const spec = HOSTS[major];
	if (!spec) throw new Error(`Unknown n8n major version "${major}": use 1 or 2`);
	const dir = hostDir(major);
	const marker = path.join(dir, '.installed');
	if (fs.existsSync(marker)) return dir;

	if (spec.nodeMajor) await ensureNodeRuntime(spec.nodeMajor);
	log(`Installing n8n ${spec.n8nVersion} into ${dir} (first time only: about 3 minutes, 1.8 GB)`);
	fs.mkdirSync(dir, { recursive: true });
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
	await runLogged('npm', ['rebuild', 'sqlite3'], { cwd: dir, env, logFile, label: 'build sqlite3' });
	fs.writeFileSync(marker, new Date().toISOString());
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
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds the package and packs it as `npm publish` would; resolves with the tarball's path.
 * The build empties and refills dist/, so packs take a lock shared by every process on this
 * machine (parallel jest workers, a test beside `npm run dev`). A lock older than 5 minutes is stale.
 */
async function packPackage(destination) {
	const deadline = Date.now() + 10 * 60 * 1000;
	for (;;) {
		try {
			fs.mkdirSync(PACK_LOCK);
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			let age = 0;
			try {
				age = Date.now() - fs.statSync(PACK_LOCK).mtimeMs;
			} catch {
				continue; // released meanwhile
			}
			if (age > 5 * 60 * 1000) fs.rmSync(PACK_LOCK, { recursive: true, force: true });
			else if (Date.now() > deadline) throw new Error(`waited 10 minutes for ${PACK_LOCK}`);
			else await sleep(250);
		}
	}
	try {
		fs.mkdirSync(destination, { recursive: true });
		run('npm', ['run', 'build', '--silent'], { cwd: PROJECT_ROOT });
		const [packed] = JSON.parse(
			run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], { cwd: PROJECT_ROOT }),
		);
		return path.join(destination, packed.filename);
	} finally {
		fs.rmSync(PACK_LOCK, { recursive: true, force: true });
	}
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
		{ cwd: packageDir },
	);

	const listPath = path.join(nodesDir, 'package.json');
	const list = fs.existsSync(listPath)
		? JSON.parse(fs.readFileSync(listPath, 'utf8'))
		: { name: 'installed-nodes', private: true, dependencies: {} };
	list.dependencies = { ...list.dependencies, [name]: manifest.version };
	fs.writeFileSync(listPath, JSON.stringify(list, null, 2));
	return packageDir;
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
 * included (their error is in `data.resultData.error`). The run is pretty-printed JSON from a line
 * holding only "{" to the next line holding only "}": n8n 2.x may log before and after it.
 */
async function executeWorkflow(major, userFolder, workflowId) {
	const { stdout, stderr, code } = await runN8n(major, userFolder, ['execute', `--id=${workflowId}`, '--rawOutput']);
	const run = /^\{$[\s\S]*?^\}$/m.exec(stdout);
	if (!run) throw new Error(`n8n execute (exit ${code}) printed no run data:\n${stderr}\n${stdout}`.trim());
	return JSON.parse(run[0]);
}

module.exports = {
	HOSTS,
	CACHE_ROOT,
	ensureHost,
	hostEnv,
	n8nEnv,
	n8nBin,
	packPackage,
	installLikeCommunityNodes,
	runN8n,
	runN8nOrFail,
	importIntoN8n,
	executeWorkflow,
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
