'use strict';
// `npm run dev`: a real n8n editor with this package installed the way the Community Nodes screen
// installs it, a FlowIQ sandbox beside it, the example workflow and a credential for the sandbox
// already imported, and the package rebuilt and n8n restarted when files under nodes/ or
// credentials/ change.
//
//   npm run dev            n8n 1.x on http://127.0.0.1:5678
//   node scripts/dev.js 2  n8n 2.x
//   node scripts/dev.js 1 --reset   start from an empty user folder
//
// FLOWIQ_DEV_N8N_PORT and FLOWIQ_DEV_SANDBOX_PORT move the two ports (defaults 5678 and 4010).
//
// The start/owner/login helpers are exported for the end-to-end tests (test/e2e/), so the
// tests run n8n exactly as this command does.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const fixtures = require('../sandbox/fixtures');
const host = require('./n8n-host');

const PROJECT_ROOT = path.resolve(__dirname, '..');
const LOOPBACK = '127.0.0.1';
const DEFAULT_N8N_PORT = 5678;
const DEFAULT_SANDBOX_PORT = 4010;
const EXAMPLES_DIR = path.join(PROJECT_ROOT, 'examples');
const EXAMPLE_FILE = path.join(EXAMPLES_DIR, 'flowiq-create-contacts.json');

/**
 * The local-only owner account dev.js and the browser test create, so nobody has to click
 * through n8n's owner-setup screen. It guards nothing: n8n listens on 127.0.0.1 only.
 */
const DEV_OWNER = Object.freeze({
	email: 'dev@flowiq.local',
	password: 'FlowIQ-local-dev-1',
	firstName: 'FlowIQ',
	lastName: 'Developer',
});

// The sandbox's fake key for organisation "acme": it works against the sandbox only.
const SANDBOX_ACME = { apiKey: fixtures.KEYS.acme, tenantId: fixtures.ORGS.acme.tenantId };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port nothing listens on right now (the OS picks it), on 127.0.0.1. */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.once('error', reject);
		server.listen(0, LOOPBACK, () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** Resolves once `port` on 127.0.0.1 accepts nothing (after a process let it go). */
async function waitForPortFree(port, timeoutMs = 10000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const taken = await new Promise((resolve) => {
			const socket = net.connect(port, LOOPBACK);
			socket.once('connect', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (!taken) return;
		if (Date.now() > deadline) throw new Error(`port ${port} on ${LOOPBACK} is still in use`);
		await sleep(200);
	}
}

/** Sends SIGTERM to the process group `pid` leads, then SIGKILL if it has not exited in time. */
function stopProcessGroup(child, graceMs = 15000) {
	if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		const kill = (signal) => {
			try {
				process.kill(-child.pid, signal); // the group led by the process we started
			} catch {
				try {
					child.kill(signal);
				} catch {
					// already gone
				}
			}
		};
		const timer = setTimeout(() => kill('SIGKILL'), graceMs);
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
		kill('SIGTERM');
	});
}

/** Collects a child's output lines: keeps the last ones for error messages, optionally echoes them. */
function lineCollector(stream, { echo, keep = 200 }) {
	const lines = [];
	let partial = '';
	stream.setEncoding('utf8');
	stream.on('data', (chunk) => {
		const parts = (partial + chunk).split('\n');
		partial = parts.pop();
		for (const line of parts) {
			lines.push(line);
			if (lines.length > keep) lines.shift();
			if (echo) echo(line);
		}
	});
	return () => [...lines, partial].join('\n');
}

/**
 * The environment `n8n start` gets: the measured headless one plus the listening address, then
 * the caller's `extra` (a test's registry or proxy settings), which may override any of it.
 */
function n8nStartEnv(major, userFolder, port, brokerPort, extra = {}) {
	const env = host.n8nEnv(major, userFolder, {
		N8N_LISTEN_ADDRESS: LOOPBACK,
		N8N_HOST: LOOPBACK,
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		N8N_SECURE_COOKIE: 'false',
		N8N_EDITOR_BASE_URL: `http://${LOOPBACK}:${port}/`,
		// Keep the instance from calling out: no templates, no hiring banner, no update checks.
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: LOOPBACK,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
		...extra,
	});
	return env;
}

/**
 * Starts `n8n start` for a prepared user folder and resolves once the editor answers.
 * Returns { url, pid, output(), stop() }; stop() ends n8n (its whole process group) and resolves
 * when it has exited. `echo` receives every output line (dev mode prints them). `env` adds to or
 * overrides n8n's environment (see n8nStartEnv).
 */
async function startN8n({ major = '1', userFolder, port, echo, timeoutMs = 180000, env = {} }) {
	let brokerPort = await freePort();
	while (brokerPort === port) brokerPort = await freePort();
	const child = spawn(host.n8nBin(major), ['start'], {
		env: n8nStartEnv(major, userFolder, port, brokerPort, env),
		stdio: ['ignore', 'pipe', 'pipe'],
		// Its own process group, so stop() can end n8n and anything it started, and a Ctrl-C in
		// the terminal reaches only dev.js, which then stops n8n in order.
		detached: true,
	});
	const stdout = lineCollector(child.stdout, { echo });
	const stderr = lineCollector(child.stderr, { echo });
	const output = () => `${stdout()}\n${stderr()}`.trim();
	const url = `http://${LOOPBACK}:${port}`;
	const instance = {
		url,
		pid: child.pid,
		child,
		output,
		stop: () => stopProcessGroup(child),
	};

	let exited = null;
	child.once('exit', (code, signal) => {
		exited = { code, signal };
	});
	const deadline = Date.now() + timeoutMs;
	let announced = false;
	for (;;) {
		if (exited) {
			throw new Error(
				`n8n start exited (code ${exited.code}, signal ${exited.signal}) before the editor came up:\n${output().split('\n').slice(-40).join('\n')}`,
			);
		}
		if (Date.now() > deadline) {
			await instance.stop();
			throw new Error(`n8n did not answer on ${url} within ${timeoutMs / 1000} s:\n${output().split('\n').slice(-40).join('\n')}`);
		}
		try {
			// The settings endpoint answers once the REST API is mounted; the editor's page with it.
			// n8n says the editor is up only after it has activated the active workflows, and only
			// this child says it: on a shared machine another program may have taken the port.
			const [settings, page] = await Promise.all([
				fetch(`${url}/rest/settings`, { signal: AbortSignal.timeout(3000) }),
				fetch(`${url}/`, { signal: AbortSignal.timeout(3000) }),
			]);
			announced ||= stdout().includes('Editor is now accessible via');
			if (settings.ok && page.ok && announced) return instance;
		} catch {
			// not listening yet
		}
		await sleep(500);
	}
}

/**
 * A request to n8n's REST API; resolves with { status, data, cookie }. Throws on a non-2xx status,
 * unless `anyStatus` (for a test whose point is the refusal: `data` is then n8n's error body).
 */
async function rest(url, route, { method = 'GET', body, cookie, anyStatus = false } = {}) {
	const response = await fetch(`${url}/rest${route}`, {
		method,
		headers: {
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
			...(cookie ? { cookie } : {}),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
		signal: AbortSignal.timeout(30000),
	});
	const text = await response.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	if (!response.ok && !anyStatus) {
		throw new Error(`${method} /rest${route} answered ${response.status}: ${text.slice(0, 500)}`);
	}
	const setCookie = response.headers.getSetCookie?.() ?? [];
	const auth = setCookie.map((line) => line.split(';')[0]).find((pair) => pair.startsWith('n8n-auth='));
	return { status: response.status, data: json?.data ?? json, cookie: auth };
}

/** Signs in with email and password; resolves with the session cookie ("n8n-auth=…"). */
async function login(url, owner = DEV_OWNER) {
	const { cookie } = await rest(url, '/login', {
		method: 'POST',
		body: { emailOrLdapLoginId: owner.email, password: owner.password },
	});
	if (!cookie) throw new Error('n8n accepted the login but set no n8n-auth cookie');
	return cookie;
}

/**
 * Creates the instance owner the way n8n's first-start screen does (POST /rest/owner/setup), or
 * signs in when an owner exists already. Resolves with { cookie, created }.
 */
async function setupOwner(url, owner = DEV_OWNER) {
	const { data: settings } = await rest(url, '/settings');
	if (!settings?.userManagement?.showSetupOnFirstLoad) {
		return { cookie: await login(url, owner), created: false };
	}
	const { cookie } = await rest(url, '/owner/setup', { method: 'POST', body: owner });
	if (!cookie) throw new Error('n8n set the owner up but set no n8n-auth cookie');
	return { cookie, created: true };
}

/** The main example workflow (create contacts from leads), as n8n exports it. */
function exampleWorkflow() {
	return JSON.parse(fs.readFileSync(EXAMPLE_FILE, 'utf8'));
}

/** Every example workflow in examples/; they all use the credential exampleCredential() makes. */
function exampleWorkflows() {
	return fs
		.readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')));
}

/** The credential the example workflow refers to, pointed at a sandbox. */
function exampleCredential(sandboxUrl) {
	const workflow = exampleWorkflow();
	const ref = workflow.nodes.find((node) => node.type === 'n8n-nodes-flowiq.flowIq').credentials.flowIqApi;
	return { id: ref.id, name: ref.name, type: 'flowIqApi', data: { ...SANDBOX_ACME, baseUrl: sandboxUrl } };
}

/**
 * Makes a user folder ready for `n8n start`: the package installed like the Community Nodes screen
 * does, and (when `importExample`) the sandbox credential and the example workflows imported.
 */
async function prepareUserFolder({ major = '1', userFolder, tarball, sandboxUrl, importExample = true }) {
	host.installLikeCommunityNodes(userFolder, tarball);
	if (importExample) {
		await host.importIntoN8n(major, userFolder, {
			credentials: [exampleCredential(sandboxUrl)],
			workflows: exampleWorkflows(),
		});
	}
}

// ---------------------------------------------------------------------------------------------
// npm run dev

/** Starts sandbox/cli.js as a child and resolves with { url, child } once it listens. */
function startSandboxProcess(port) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'sandbox', 'cli.js'), '--port', String(port)], {
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		let banner = '';
		let ready = false;
		const echo = (prefix) => (line) => line && process.stdout.write(`${prefix}${line}\n`);
		child.stderr.setEncoding('utf8');
		child.stderr.on('data', (chunk) => {
			banner += chunk;
			for (const line of chunk.split('\n')) echo('[sandbox] ')(line);
		});
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (chunk) => {
			for (const line of chunk.split('\n')) echo('[sandbox] ')(line);
			if (ready) return;
			banner += chunk;
			const match = /FlowIQ sandbox listening on (\S+)/.exec(banner);
			if (match) {
				ready = true;
				resolve({ url: match[1], child });
			}
		});
		child.once('error', reject);
		child.once('exit', (code) => {
			if (!ready) reject(new Error(`the FlowIQ sandbox exited (code ${code}) before listening:\n${banner}`));
		});
	});
}

function parseDevArgs(argv) {
	const args = { major: '1', reset: false };
	for (const arg of argv) {
		if (arg === '1' || arg === '2') args.major = arg;
		else if (arg === '--reset') args.reset = true;
		else throw new Error(`unknown argument "${arg}" (usage: node scripts/dev.js [1|2] [--reset])`);
	}
	return args;
}

function envPort(name, fallback) {
	if (!process.env[name]) return fallback;
	const port = Number(process.env[name]);
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name} must be a port number`);
	return port;
}

async function dev() {
	const { major, reset } = parseDevArgs(process.argv.slice(2));
	const n8nPort = envPort('FLOWIQ_DEV_N8N_PORT', DEFAULT_N8N_PORT);
	const sandboxPort = envPort('FLOWIQ_DEV_SANDBOX_PORT', DEFAULT_SANDBOX_PORT);
	const say = (message) => process.stdout.write(`[dev] ${message}\n`);

	// One user folder per n8n major: 2.x migrates the database in ways 1.x cannot read back.
	const devRoot = path.join(PROJECT_ROOT, '.n8n-user', 'dev');
	const userFolder = path.join(devRoot, `n8n-${major}`);
	const packDir = path.join(devRoot, 'packs');
	const marker = path.join(userFolder, '.flowiq-dev.json');
	if (reset) fs.rmSync(userFolder, { recursive: true, force: true });
	fs.mkdirSync(userFolder, { recursive: true });

	await host.ensureHost(major);

	let sandbox;
	let n8n;
	let watchers = [];
	let stopping = false;
	let timer = null;
	let restarting = false;
	let again = false;
	const changed = new Set();

	/** Stops what dev.js started (n8n, then the sandbox), each by the PID it was started with. */
	async function stopAll() {
		clearTimeout(timer);
		for (const watcher of watchers) watcher.close();
		await n8n?.stop();
		await stopProcessGroup(sandbox?.child, 5000);
	}

	async function shutdown(signal) {
		if (stopping) {
			// A second Ctrl-C: do not wait for n8n's graceful shutdown.
			for (const child of [n8n?.child, sandbox?.child]) {
				if (child && child.exitCode === null && child.signalCode === null) {
					try {
						process.kill(-child.pid, 'SIGKILL');
					} catch {
						// gone
					}
				}
			}
			process.exit(1);
		}
		stopping = true;
		say(`${signal}: stopping n8n and the sandbox`);
		await stopAll();
		process.exit(0);
	}
	process.on('SIGINT', () => shutdown('SIGINT'));
	process.on('SIGTERM', () => shutdown('SIGTERM'));

	const echo = (line) => line && process.stdout.write(`[n8n] ${line}\n`);
	const start = async () => {
		await waitForPortFree(n8nPort);
		say(`starting n8n ${host.HOSTS[major].n8nVersion} on ${LOOPBACK}:${n8nPort} (takes 15-40 s)`);
		n8n = await startN8n({ major, userFolder, port: n8nPort, echo });
		n8n.child.once('exit', (code, signal) => {
			if (!stopping && !restarting) {
				say(`n8n exited on its own (code ${code}, signal ${signal}); save a file under nodes/ or credentials/ to start it again`);
			}
		});
	};
	const banner = () => {
		say('');
		say(`n8n ${host.HOSTS[major].n8nVersion} editor: ${n8n.url}/`);
		for (const workflow of exampleWorkflows()) say(`example workflow:   ${n8n.url}/workflow/${workflow.id}  (${workflow.name})`);
		say(`sign in with        ${DEV_OWNER.email} / ${DEV_OWNER.password}   (local only)`);
		say(`FlowIQ sandbox:     ${sandbox.url}  (credential "FlowIQ sandbox" points here)`);
		say('watching nodes/ and credentials/: a save rebuilds, reinstalls and restarts n8n. Ctrl-C stops.');
		say('');
	};

	// Rebuild on change: debounced, one rebuild at a time, one more if files changed meanwhile.
	const rebuild = async () => {
		if (restarting) {
			again = true;
			return;
		}
		restarting = true;
		try {
			say(`changed: ${[...changed].join(', ')}: rebuilding`);
			changed.clear();
			let tarball;
			try {
				tarball = await host.packPackage(packDir);
			} catch (error) {
				say(`build failed; n8n keeps running the previous build:\n${error.message}`);
				return;
			}
			if (stopping) return;
			say('stopping n8n');
			await n8n?.stop();
			host.installLikeCommunityNodes(userFolder, tarball);
			if (stopping) return;
			await start();
			banner();
		} catch (error) {
			say(`restart failed: ${error.message}`);
		} finally {
			restarting = false;
			if (again && !stopping) {
				again = false;
				schedule();
			}
		}
	};
	const schedule = () => {
		clearTimeout(timer);
		timer = setTimeout(rebuild, 500);
	};

	try {
		say(`starting the FlowIQ sandbox on ${LOOPBACK}:${sandboxPort}`);
		sandbox = await startSandboxProcess(sandboxPort);

		say('building and packing the package');
		const tarball = await host.packPackage(packDir);
		const firstRun = !fs.existsSync(marker);
		say(`installing ${path.basename(tarball)} into ${path.relative(PROJECT_ROOT, userFolder)} like the Community Nodes screen does`);
		await prepareUserFolder({ major, userFolder, tarball, sandboxUrl: sandbox.url, importExample: firstRun });
		if (firstRun) say('imported the "FlowIQ sandbox" credential and the example workflow');

		await start();
		try {
			const owner = await setupOwner(n8n.url, DEV_OWNER);
			if (owner.created) say(`created the local owner account ${DEV_OWNER.email}`);
		} catch (error) {
			// An owner with another password (changed in the editor): leave it alone.
			say(`could not sign in as ${DEV_OWNER.email} (${error.message}); use the account you set up`);
		}
		fs.writeFileSync(marker, JSON.stringify({ owner: DEV_OWNER.email, n8n: host.HOSTS[major].n8nVersion }, null, 2));
		banner();

		watchers = ['nodes', 'credentials'].map((dir) =>
			fs.watch(path.join(PROJECT_ROOT, dir), { recursive: true }, (_event, file) => {
				if (stopping || !file || /(^|\/)\.|~$|\.swp$|\.test\.ts$/.test(String(file))) return;
				changed.add(path.join(dir, String(file)));
				schedule();
			}),
		);
	} catch (error) {
		stopping = true;
		await stopAll();
		throw error;
	}
}

module.exports = {
	DEV_OWNER,
	DEFAULT_N8N_PORT,
	DEFAULT_SANDBOX_PORT,
	freePort,
	startN8n,
	stopProcessGroup,
	setupOwner,
	login,
	rest,
	exampleWorkflow,
	exampleCredential,
	prepareUserFolder,
	startSandboxProcess,
	parseDevArgs,
};

if (require.main === module) {
	dev().catch((error) => {
		process.stderr.write(`[dev] failed: ${error.message}\n`);
		process.exit(1);
	});
}
