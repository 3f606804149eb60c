'use strict';
// n8n's queue mode on this machine, in a throw-away folder: PostgreSQL (Debian's `postgresql`
// package) as n8n's database, Redis (Debian's `redis-server`) as its queue, one n8n main process
// that takes webhooks and the REST API, and two `n8n worker` processes that run the executions.
// Every n8n process has its own user folder with the packed package installed the way n8n's docs
// tell queue-mode users to: `npm install` in `~/.n8n/nodes`, on every process.
//
//   node scripts/queue-mode.js 1      n8n 1.x (2 for n8n 2.x); prints the URLs, Ctrl-C stops
//
//   const queueMode = require('./queue-mode');
//   const cluster = await queueMode.start({ major: '1', tarball });
//   cluster.main.url, cluster.workers[0].lines(), ...
//   await cluster.stop();   // ends exactly the processes it started, then removes the folder
//
// Everything listens on 127.0.0.1 only, on ports the OS picks.
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const host = require('./n8n-host');
const { DEV_OWNER, freePort, setupOwner, stopProcessGroup } = require('./dev');

const LOOPBACK = '127.0.0.1';
const POSTGRES_USER = 'n8n';
const POSTGRES_DATABASE = 'n8n';
/** The account PostgreSQL runs under when this script runs as root: initdb and postgres refuse root. */
const POSTGRES_OS_USER = 'postgres';

const DEFAULTS = Object.freeze({
	workers: 2,
	// n8n's own default, set explicitly so every run says what it used.
	workerConcurrency: 10,
	mainTimeoutMs: 4 * 60 * 1000, // a first start on an empty database runs every migration
	workerTimeoutMs: 3 * 60 * 1000,
	serviceTimeoutMs: 30 * 1000,
});

const MISSING_TOOLS_HELP =
	"Queue mode needs Debian's postgresql and redis-server packages: " +
	'sudo apt-get install -y postgresql redis-server (npm run test:all installs them when run as root).';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function log(message) {
	process.stderr.write(`[queue-mode] ${message}\n`);
}

// ---------------------------------------------------------------------------------------------
// The Debian binaries

/** The bin folder of the newest PostgreSQL under /usr/lib/postgresql (FLOWIQ_PG_BIN overrides). */
function postgresBinDir() {
	const wanted = ['initdb', 'pg_ctl', 'createdb'];
	const complete = (dir) => wanted.every((name) => fs.existsSync(path.join(dir, name)));
	if (process.env.FLOWIQ_PG_BIN) {
		if (complete(process.env.FLOWIQ_PG_BIN)) return process.env.FLOWIQ_PG_BIN;
		throw new Error(`FLOWIQ_PG_BIN=${process.env.FLOWIQ_PG_BIN} lacks one of ${wanted.join(', ')}`);
	}
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root)
		? fs
				.readdirSync(root)
				.filter((name) => /^\d+(\.\d+)?$/.test(name))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	for (const version of versions) {
		const dir = path.join(root, version, 'bin');
		if (complete(dir)) return dir;
	}
	return null;
}

function redisServerBinary() {
	for (const candidate of ['/usr/bin/redis-server', '/usr/sbin/redis-server', '/usr/local/bin/redis-server']) {
		if (fs.existsSync(candidate)) return candidate;
	}
	const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
	return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : null;
}

/** The PostgreSQL bin folder and the redis-server binary, or an error that says what to install. */
function findTools() {
	const pgBin = postgresBinDir();
	const redisServer = redisServerBinary();
	const missing = [];
	if (!pgBin) missing.push('PostgreSQL (no /usr/lib/postgresql/<version>/bin/initdb)');
	if (!redisServer) missing.push('redis-server');
	if (missing.length) throw new Error(`Missing ${missing.join(' and ')}. ${MISSING_TOOLS_HELP}`);
	return { pgBin, redisServer };
}

/** { uid, gid } of an OS account, or null when it does not exist. */
function osAccount(name) {
	const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
	const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
	if (uid.status !== 0 || gid.status !== 0) return null;
	return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

// ---------------------------------------------------------------------------------------------
// Processes

/**
 * Output lines of a child, all kept (the tests read every "Worker started execution" line) and
 * written to `logFile`; listeners see each line as it comes.
 */
function collectLines(child, logFile) {
	const lines = [];
	const listeners = new Set();
	const out = fs.createWriteStream(logFile, { flags: 'a' });
	for (const stream of [child.stdout, child.stderr]) {
		let partial = '';
		stream.setEncoding('utf8');
		stream.on('data', (chunk) => {
			out.write(chunk);
			const parts = (partial + chunk).split('\n');
			partial = parts.pop();
			for (const line of parts) {
				lines.push(line);
				for (const listener of listeners) listener(line);
			}
		});
	}
	child.once('close', () => out.end());
	return {
		lines: () => [...lines],
		onLine(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		tail: (count = 40) => lines.slice(-count).join('\n'),
	};
}

/** Every process group this module started and has not seen end: ended on exit as a last resort. */
const liveGroups = new Set();
let exitHookInstalled = false;

function trackGroup(pid) {
	liveGroups.add(pid);
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	// If the caller dies without stop() (a crashed test run), leave no orphans behind.
	process.once('exit', () => {
		for (const group of liveGroups) {
			try {
				process.kill(-group, 'SIGKILL');
			} catch {
				// gone already
			}
		}
	});
}

/** Starts a long-running child in its own process group, its output kept and logged. */
function startProcess(name, command, args, { env, logDir }) {
	const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	trackGroup(child.pid);
	child.once('exit', () => liveGroups.delete(child.pid));
	const output = collectLines(child, path.join(logDir, `${name}.log`));
	let exited = null;
	child.once('exit', (code, signal) => {
		exited = { code, signal };
	});
	return {
		name,
		pid: child.pid,
		child,
		...output,
		exited: () => exited,
		stop: (graceMs) => stopProcessGroup(child, graceMs),
		/** SIGKILL to the whole process group, as an out-of-memory kill or a lost machine would. */
		kill() {
			if (exited) return Promise.resolve();
			return new Promise((resolve) => {
				child.once('exit', () => resolve());
				process.kill(-child.pid, 'SIGKILL');
			});
		},
	};
}

/**
 * Polls `check` until it resolves truthy; fails after `timeoutMs`, or at once when `proc` exits.
 * The error carries the process's last lines.
 */
async function waitFor(what, check, { timeoutMs, proc, intervalMs = 500 }) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (proc?.exited()) {
			const { code, signal } = proc.exited();
			throw new Error(`${proc.name} exited (code ${code}, signal ${signal}) before ${what}:\n${proc.tail()}`);
		}
		try {
			if (await check()) return;
		} catch {
			// not there yet
		}
		if (Date.now() > deadline) {
			throw new Error(`${what}: no answer within ${Math.round(timeoutMs / 1000)} s${proc ? `:\n${proc.tail()}` : ''}`);
		}
		await sleep(intervalMs);
	}
}

async function httpOk(url) {
	const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
	await response.arrayBuffer();
	return response.ok;
}

/** True when a Redis server on `port` answers PING. */
function redisPing(port) {
	return new Promise((resolve) => {
		const socket = net.connect(port, LOOPBACK);
		let answer = '';
		const done = (ok) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(2000, () => done(false));
		socket.once('error', () => done(false));
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			answer += chunk;
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
	});
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/**
 * initdb into `<folder>/pg/data`, start it with pg_ctl on a free loopback port, create n8n's
 * database. As root the commands run as Debian's `postgres` account (PostgreSQL refuses root).
 */
async function startPostgres({ folder, pgBin, timeoutMs }) {
	const dir = path.join(folder, 'pg');
	const dataDir = path.join(dir, 'data');
	const passwordFile = path.join(dir, 'password');
	const password = crypto.randomBytes(12).toString('hex');
	fs.mkdirSync(dir);
	fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });

	let asUser = (command, args) => [command, args];
	if (process.getuid?.() === 0) {
		const account = osAccount(POSTGRES_OS_USER);
		if (!account) {
			throw new Error(
				`PostgreSQL refuses to run as root and there is no "${POSTGRES_OS_USER}" account to run it as. ${MISSING_TOOLS_HELP}`,
			);
		}
		// The throw-away folder is root's; the postgres account may pass through it, and owns pg/.
		fs.chmodSync(folder, 0o711);
		fs.chownSync(dir, account.uid, account.gid);
		fs.chownSync(passwordFile, account.uid, account.gid);
		asUser = (command, args) => ['runuser', ['-u', POSTGRES_OS_USER, '--', command, ...args]];
		const reachable = spawnSync('runuser', ['-u', POSTGRES_OS_USER, '--', 'test', '-w', dir]);
		if (reachable.status !== 0) {
			throw new Error(`The "${POSTGRES_OS_USER}" account cannot write to ${dir}: point TMPDIR at a folder it can reach (e.g. /tmp)`);
		}
	}
	const runAs = (command, args, options = {}) => {
		const [file, fileArgs] = asUser(path.join(pgBin, command), args);
		// cwd: the postgres account may not be allowed into the caller's working folder.
		const result = spawnSync(file, fileArgs, { encoding: 'utf8', timeout: timeoutMs, cwd: dir, ...options });
		if (result.status !== 0) {
			throw new Error(`${command} failed (exit ${result.status}): ${`${result.stderr}\n${result.stdout}`.trim() || result.error?.message}`);
		}
		return result.stdout;
	};

	runAs('initdb', [
		'-D', dataDir,
		'-U', POSTGRES_USER,
		`--pwfile=${passwordFile}`,
		'--auth-local=trust',
		'--auth-host=scram-sha-256',
		'--encoding=UTF8',
		'--locale=C',
		'--no-sync',
	]);
	const port = await freePort();
	// A throw-away database: no fsync. Unix socket in pg/ (never the system's /var/run/postgresql).
	const serverOptions = [
		`-c listen_addresses=${LOOPBACK}`,
		`-p ${port}`,
		`-c unix_socket_directories=${dir}`,
		'-c fsync=off',
		'-c synchronous_commit=off',
		'-c full_page_writes=off',
		'-c max_connections=200',
	].join(' ');
	runAs('pg_ctl', ['-D', dataDir, '-l', path.join(dir, 'postgres.log'), '-o', serverOptions, '-w', '-t', String(Math.ceil(timeoutMs / 1000)), 'start']);
	// pg_ctl starts the server in a session of its own: its process group is the postmaster's PID.
	// (Each backend then starts a session of its own too; they all end when the postmaster does.)
	const postmasterPid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
	trackGroup(postmasterPid);

	const stop = async () => {
		if (!isAlive(postmasterPid)) return;
		try {
			runAs('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '20', 'stop']);
		} catch (error) {
			log(`pg_ctl stop: ${error.message}; killing the server's process group`);
		}
		if (isAlive(postmasterPid)) {
			try {
				process.kill(-postmasterPid, 'SIGKILL');
			} catch {
				// gone
			}
			await waitFor('PostgreSQL to end', () => !isAlive(postmasterPid), { timeoutMs: 10000, intervalMs: 100 });
		}
		liveGroups.delete(postmasterPid);
	};

	try {
		const [file, fileArgs] = [path.join(pgBin, 'createdb'), ['-h', LOOPBACK, '-p', String(port), '-U', POSTGRES_USER, POSTGRES_DATABASE]];
		const created = spawnSync(file, fileArgs, { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, PGPASSWORD: password } });
		if (created.status !== 0) throw new Error(`createdb failed (exit ${created.status}): ${created.stderr || created.error?.message}`);
	} catch (error) {
		await stop();
		throw error;
	}
	return { host: LOOPBACK, port, user: POSTGRES_USER, password, database: POSTGRES_DATABASE, pid: postmasterPid, dataDir, stop };
}

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

// ---------------------------------------------------------------------------------------------
// Redis

async function startRedis({ folder, redisServer, logDir, timeoutMs }) {
	const dir = path.join(folder, 'redis');
	fs.mkdirSync(dir);
	const port = await freePort();
	const proc = startProcess(
		'redis',
		redisServer,
		['--port', String(port), '--bind', LOOPBACK, '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
		{ env: process.env, logDir },
	);
	try {
		await waitFor(`Redis on ${LOOPBACK}:${port}`, () => redisPing(port), { timeoutMs, proc, intervalMs: 100 });
	} catch (error) {
		await proc.stop(2000);
		throw error;
	}
	return { host: LOOPBACK, port, proc, stop: () => proc.stop(5000) };
}

// ---------------------------------------------------------------------------------------------
// n8n

/** What every n8n process of the cluster shares: queue mode, the database, Redis, the key. */
function sharedEnv({ postgres, redis, encryptionKey, queueSettings }) {
	const env = {
		EXECUTIONS_MODE: 'queue',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: LOOPBACK,
		NO_COLOR: '1', // plain log lines, read by the tests
	};
	// Bull's stalled-job timings (n8n's defaults: lock 60 s renewed every 10 s, checked every 30 s).
	if (queueSettings.lockDurationMs) env.QUEUE_WORKER_LOCK_DURATION = String(queueSettings.lockDurationMs);
	if (queueSettings.lockRenewTimeMs) env.QUEUE_WORKER_LOCK_RENEW_TIME = String(queueSettings.lockRenewTimeMs);
	if (queueSettings.stalledIntervalMs) env.QUEUE_WORKER_STALLED_INTERVAL = String(queueSettings.stalledIntervalMs);
	return env;
}

async function startMain({ major, userFolder, shared, logDir, timeoutMs }) {
	const port = await freePort();
	const env = host.n8nEnv(major, userFolder, {
		...shared,
		N8N_LISTEN_ADDRESS: LOOPBACK,
		N8N_HOST: LOOPBACK,
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		N8N_SECURE_COOKIE: 'false',
		N8N_EDITOR_BASE_URL: `http://${LOOPBACK}:${port}/`,
		WEBHOOK_URL: `http://${LOOPBACK}:${port}/`,
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
	});
	const proc = startProcess('main', host.n8nBin(major), ['start'], { env, logDir });
	const url = `http://${LOOPBACK}:${port}`;
	try {
		// /healthz/readiness answers 200 once the database is connected and migrated; the settings
		// route once the REST API is mounted.
		await waitFor(`n8n main on ${url}`, async () => (await httpOk(`${url}/healthz/readiness`)) && httpOk(`${url}/rest/settings`), {
			timeoutMs,
			proc,
		});
	} catch (error) {
		await proc.stop(5000);
		throw error;
	}
	return { ...proc, url, port };
}

async function startWorker({ major, index, userFolder, shared, concurrency, logDir, timeoutMs }) {
	const healthPort = await freePort();
	const env = host.n8nEnv(major, userFolder, {
		...shared,
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_HEALTH_CHECK_PORT: String(healthPort),
		N8N_WORKER_SERVER_ADDRESS: LOOPBACK,
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
	});
	const name = `worker-${index}`;
	const proc = startProcess(name, host.n8nBin(major), ['worker', `--concurrency=${concurrency}`], { env, logDir });
	const healthUrl = `http://${LOOPBACK}:${healthPort}`;
	const said = (pattern) => proc.lines().some((line) => pattern.test(line));
	try {
		// Ready: connected to the database and Redis (readiness), and taking jobs.
		await waitFor(
			`${name} ready on ${healthUrl}`,
			async () => said(/n8n worker is now ready/) && (await httpOk(`${healthUrl}/healthz/readiness`)),
			{ timeoutMs, proc },
		);
		const stated = proc.lines().map((line) => /\* Concurrency: (\d+)/.exec(line)).find(Boolean);
		if (!stated || Number(stated[1]) !== concurrency) {
			throw new Error(`${name} did not start with concurrency ${concurrency} (it said ${stated?.[1] ?? 'nothing'})`);
		}
	} catch (error) {
		await proc.stop(5000);
		throw error;
	}
	return { ...proc, healthUrl, concurrency };
}

/**
 * Starts queue mode for n8n `major` ('1' or '2') and resolves once PostgreSQL, Redis, the main
 * process and every worker answer their health checks. Returns
 * { major, folder, postgres, redis, main, workers, stop() }.
 *
 * options: tarball (the packed package; packed here when missing), workers (2),
 * workerConcurrency (10), lockDurationMs / lockRenewTimeMs / stalledIntervalMs (Bull's stalled-job
 * timings, n8n's defaults when missing), keepFolder (leave the folder and its logs after stop()).
 */
async function start(options = {}) {
	const major = String(options.major ?? '1');
	if (!host.HOSTS[major]) throw new Error(`Unknown n8n major version "${major}": use 1 or 2`);
	const settings = { ...DEFAULTS, ...options };
	const tools = findTools();
	await host.ensureHost(major);

	const folder = fs.mkdtempSync(path.join(os.tmpdir(), `flowiq-queue-n8n${major}-`));
	const logDir = path.join(folder, 'logs');
	fs.mkdirSync(logDir);
	const started = [];
	let stopped = false;

	async function stop() {
		if (stopped) return;
		stopped = true;
		// n8n first (workers finish or give up, then the main), then Redis, then the database.
		for (const part of [...started].reverse()) {
			try {
				await part.stop();
			} catch (error) {
				log(`stopping ${part.name}: ${error.message}`);
			}
		}
		if (settings.keepFolder) log(`kept ${folder}`);
		else fs.rmSync(folder, { recursive: true, force: true });
	}

	try {
		const startedAt = Date.now();
		let tarball = settings.tarball;
		if (!tarball) tarball = await host.packPackage(path.join(folder, 'pack'));

		// The package on every process, each in its own user folder, the way n8n documents it.
		const names = ['main', ...Array.from({ length: settings.workers }, (_, i) => `worker-${i + 1}`)];
		const userFolders = Object.fromEntries(names.map((name) => [name, path.join(folder, name)]));
		for (const name of names) host.installWithNpm(major, userFolders[name], tarball);

		const postgres = await startPostgres({ folder, pgBin: tools.pgBin, timeoutMs: settings.serviceTimeoutMs });
		started.push({ name: 'postgres', stop: postgres.stop });
		const redis = await startRedis({ folder, redisServer: tools.redisServer, logDir, timeoutMs: settings.serviceTimeoutMs });
		started.push({ name: 'redis', stop: redis.stop });

		const shared = sharedEnv({
			postgres,
			redis,
			encryptionKey: crypto.randomBytes(24).toString('hex'),
			queueSettings: settings,
		});
		// The main process first: it runs the database migrations the workers expect.
		const main = await startMain({ major, userFolder: userFolders.main, shared, logDir, timeoutMs: settings.mainTimeoutMs });
		started.push({ name: 'main', stop: () => main.stop() });
		const workers = [];
		const starting = names.slice(1).map((name, i) =>
			startWorker({
				major,
				index: i + 1,
				userFolder: userFolders[name],
				shared,
				concurrency: settings.workerConcurrency,
				logDir,
				timeoutMs: settings.workerTimeoutMs,
			}).then((worker) => {
				workers[i] = worker;
				started.push({ name: worker.name, stop: () => worker.stop() });
				return worker;
			}),
		);
		const results = await Promise.allSettled(starting);
		const failed = results.find((result) => result.status === 'rejected');
		if (failed) throw failed.reason;

		return {
			major,
			n8nVersion: host.HOSTS[major].n8nVersion,
			folder,
			logDir,
			userFolders,
			postgres: { host: postgres.host, port: postgres.port, database: postgres.database, user: postgres.user, password: postgres.password, pid: postgres.pid },
			redis: { host: redis.host, port: redis.port, pid: redis.proc.pid },
			main,
			workers,
			startupMs: Date.now() - startedAt,
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

/** Stops a cluster start() returned (the same as cluster.stop()). */
function stop(cluster) {
	return cluster?.stop();
}

module.exports = { start, stop, findTools, MISSING_TOOLS_HELP, DEFAULTS };

// ---------------------------------------------------------------------------------------------
// CLI

if (require.main === module) {
	const args = process.argv.slice(2);
	const major = args.find((arg) => arg === '1' || arg === '2') ?? '1';
	const unknown = args.filter((arg) => arg !== major);
	if (unknown.length) {
		console.error('usage: node scripts/queue-mode.js [1|2]');
		process.exit(2);
	}
	let cluster;
	let stopping = false;
	const shutdown = async (signal) => {
		if (stopping) return;
		stopping = true;
		log(`${signal}: stopping the workers, the main process, Redis and PostgreSQL`);
		await cluster?.stop();
		process.exit(0);
	};
	process.on('SIGINT', () => shutdown('SIGINT'));
	process.on('SIGTERM', () => shutdown('SIGTERM'));
	(async () => {
		log(`starting n8n ${host.HOSTS[major].n8nVersion} in queue mode (about a minute)`);
		cluster = await start({ major });
		if (stopping) return;
		const owner = await setupOwner(cluster.main.url, DEV_OWNER);
		const say = (line) => process.stdout.write(`${line}\n`);
		say('');
		say(`n8n ${cluster.n8nVersion} in queue mode, started in ${Math.round(cluster.startupMs / 1000)} s`);
		say(`editor and REST API:  ${cluster.main.url}/   (${owner.created ? 'created' : 'sign in as'} ${DEV_OWNER.email} / ${DEV_OWNER.password})`);
		say(`production webhooks:  ${cluster.main.url}/webhook/<path>`);
		for (const worker of cluster.workers) {
			say(`${worker.name}:            ${worker.healthUrl}/healthz  (concurrency ${worker.concurrency}, PID ${worker.pid})`);
		}
		say(`PostgreSQL:           postgresql://${cluster.postgres.user}:${cluster.postgres.password}@${cluster.postgres.host}:${cluster.postgres.port}/${cluster.postgres.database}`);
		say(`Redis:                redis://${cluster.redis.host}:${cluster.redis.port}`);
		say(`logs:                 ${cluster.logDir}`);
		say('Ctrl-C stops everything and removes the folder.');
	})().catch(async (error) => {
		log(`failed: ${error.message}`);
		await cluster?.stop();
		process.exit(1);
	});
}
