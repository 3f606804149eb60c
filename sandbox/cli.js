#!/usr/bin/env node
'use strict';
/**
 * Runs the FlowIQ sandbox as its own process, for the demo, the n8n editor (npm run dev) and
 * manual poking with curl:
 *
 *   node sandbox/cli.js --port 4010 --latency 50 --fault-rate 0.2 --rate-limit 20 --seed 7 --quiet
 *
 * Every flag can also come from the environment (a flag wins over its variable):
 *   --port <n>              FLOWIQ_SANDBOX_PORT            default 4010 (0 = any free port)
 *   --latency <ms>          FLOWIQ_SANDBOX_LATENCY         default 0
 *   --latency-jitter <ms>   FLOWIQ_SANDBOX_LATENCY_JITTER  default 0
 *   --rate-limit <rps>      FLOWIQ_SANDBOX_RATE_LIMIT      default 0 (off)
 *   --fault-rate <0..1>     FLOWIQ_SANDBOX_FAULT_RATE      default 0 (no random faults)
 *   --seed <int>            FLOWIQ_SANDBOX_SEED            default 1
 *   --fault-kinds <list>    FLOWIQ_SANDBOX_FAULT_KINDS     e.g. "429,429-date,429-bare,500,502,503,504,drop,slow:300"
 *   --fault-routes <list>   FLOWIQ_SANDBOX_FAULT_ROUTES    routes random faults hit, default "/contact";
 *                                                          e.g. "*" or "/contact,GET /conversations"
 *   --revision <name>       FLOWIQ_SANDBOX_REVISION        current (default) or older (no GET /contact,
 *                                                          send answers with organization + meta_response)
 *   --no-require-name       FLOWIQ_SANDBOX_REQUIRE_NAME=false   accept a missing name (later API revision)
 *   --quiet                 FLOWIQ_SANDBOX_QUIET=true      no per-request log lines
 *
 * The first stdout line is always "FlowIQ sandbox listening on <url>", so scripts that spawn this
 * file can wait for it. It listens on 127.0.0.1 only and stops on SIGINT / SIGTERM.
 */
const { startSandbox, fixtures, normalizeRouteSelector, REVISIONS } = require('./server');

const DEFAULT_PORT = 4010;

const USAGE = `Usage: node sandbox/cli.js [options]
  --port <n>             port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 = any free port)
  --latency <ms>         delay added to every API answer
  --latency-jitter <ms>  plus a random 0..ms on top
  --rate-limit <rps>     API requests per second before 429 (0 = off)
  --fault-rate <0..1>    share of requests (on --fault-routes) that get a random fault
  --seed <int>           seed for the random faults (same seed, same faults)
  --fault-kinds <list>   comma list from: 429 429-date 429-bare 500 502 503 504 drop slow[:ms]
                         (optionally suffixed @before or @after to fix the phase)
  --fault-routes <list>  comma list of routes random faults hit (default /contact): '*', a path
                         such as /conversations, or one route such as 'POST /send-whatsapp'
  --revision <name>      ${REVISIONS.join(' | ')} (default current); older has no GET /contact and
                         its send answer still carries data.organization and data.meta_response
  --no-require-name      accept a missing name, like the later API revision
  --quiet                no per-request log lines
  --help                 this text
Each flag also reads FLOWIQ_SANDBOX_<NAME> (e.g. FLOWIQ_SANDBOX_FAULT_RATE=0.2).`;

/** Turns "429-date@after" style tokens into fault objects the server understands. */
function parseFaultKinds(list) {
	return String(list)
		.split(',')
		.map((token) => token.trim())
		.filter(Boolean)
		.map((token) => {
			const [name, phase] = token.split('@');
			const fault = parseFaultName(name);
			if (phase !== undefined) {
				if (phase !== 'before' && phase !== 'after') throw new Error(`bad phase in fault kind "${token}"`);
				fault.phase = phase;
			}
			return fault;
		});
}

function parseFaultName(name) {
	if (name === '429') return { status: 429, retryAfter: 1 };
	if (name === '429-date') return { status: 429, retryAfter: 1, retryAfterDate: true };
	if (name === '429-bare') return { status: 429 };
	if (/^5\d\d$/.test(name)) return { status: Number(name) };
	if (name === 'drop') return { kind: 'drop' };
	const slow = /^slow(?::(\d+))?$/.exec(name);
	if (slow) return { kind: 'slow', delayMs: slow[1] === undefined ? 1000 : Number(slow[1]) };
	throw new Error(`unknown fault kind "${name}"`);
}

function parseNumber(name, text, { integer = false, max = Infinity } = {}) {
	const value = Number(text);
	const ok = text !== '' && text !== undefined && Number.isFinite(value) && value >= 0 && value <= max;
	if (!ok || (integer && !Number.isInteger(value))) {
		throw new Error(`--${name} needs ${integer ? 'a whole number' : 'a number'} between 0 and ${max}, got "${text}"`);
	}
	return value;
}

function parseBoolean(name, text) {
	if (/^(1|true|yes|on)$/i.test(text)) return true;
	if (/^(0|false|no|off)$/i.test(text)) return false;
	throw new Error(`${name} needs true or false, got "${text}"`);
}

const VALUE_FLAGS = ['port', 'latency', 'latency-jitter', 'rate-limit', 'fault-rate', 'seed', 'fault-kinds', 'fault-routes', 'revision'];

/** "/contact, GET /conversations" -> ['/contact', 'GET /conversations'], each checked by the server's rule. */
function parseFaultRoutes(list) {
	return String(list)
		.split(',')
		.map((route) => route.trim())
		.filter(Boolean)
		.map(normalizeRouteSelector);
}

function parseRevision(text) {
	if (!REVISIONS.includes(text)) throw new Error(`--revision needs one of ${REVISIONS.join(', ')}, got "${text}"`);
	return text;
}

/**
 * Reads flags and FLOWIQ_SANDBOX_* variables into startSandbox options.
 * Returns { help: true } for --help. Throws an Error with a readable message on bad input.
 */
function parseArgs(argv, env = {}) {
	const raw = {};
	for (const flag of VALUE_FLAGS) {
		const variable = `FLOWIQ_SANDBOX_${flag.toUpperCase().replace(/-/g, '_')}`;
		if (env[variable] !== undefined && env[variable] !== '') raw[flag] = env[variable];
	}
	let requireName = env.FLOWIQ_SANDBOX_REQUIRE_NAME ? parseBoolean('FLOWIQ_SANDBOX_REQUIRE_NAME', env.FLOWIQ_SANDBOX_REQUIRE_NAME) : true;
	let quiet = env.FLOWIQ_SANDBOX_QUIET ? parseBoolean('FLOWIQ_SANDBOX_QUIET', env.FLOWIQ_SANDBOX_QUIET) : false;

	for (let i = 0; i < argv.length; i += 1) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') return { help: true };
		if (arg === '--quiet' || arg === '-q') {
			quiet = true;
			continue;
		}
		if (arg === '--no-require-name') {
			requireName = false;
			continue;
		}
		const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
		if (!match || !VALUE_FLAGS.includes(match[1])) throw new Error(`unknown argument "${arg}"`);
		let value = match[2];
		if (value === undefined) {
			i += 1;
			if (i >= argv.length) throw new Error(`--${match[1]} needs a value`);
			value = argv[i];
		}
		raw[match[1]] = value;
	}

	const options = {
		port: raw.port === undefined ? DEFAULT_PORT : parseNumber('port', raw.port, { integer: true, max: 65535 }),
		latencyMs: raw.latency === undefined ? 0 : parseNumber('latency', raw.latency),
		latencyJitterMs: raw['latency-jitter'] === undefined ? 0 : parseNumber('latency-jitter', raw['latency-jitter']),
		rateLimit: raw['rate-limit'] === undefined ? 0 : parseNumber('rate-limit', raw['rate-limit']),
		requireName,
		quiet,
		revision: raw.revision === undefined ? 'current' : parseRevision(raw.revision),
	};
	const faultRate = raw['fault-rate'] === undefined ? 0 : parseNumber('fault-rate', raw['fault-rate'], { max: 1 });
	const seed = raw.seed === undefined ? 1 : parseNumber('seed', raw.seed, { integer: true, max: 0xffffffff });
	if (faultRate > 0 || raw['fault-kinds'] !== undefined || raw['fault-routes'] !== undefined || raw.seed !== undefined) {
		options.faults = { seed, rate: faultRate };
		if (raw['fault-kinds'] !== undefined) options.faults.kinds = parseFaultKinds(raw['fault-kinds']);
		if (raw['fault-routes'] !== undefined) options.faults.routes = parseFaultRoutes(raw['fault-routes']);
	}
	return options;
}

/** The banner: URL first (scripts wait for it), then the fake fixture keys and the rules. */
function banner(sandbox, options) {
	const { ORGS, KEYS, PHONES } = fixtures;
	const lines = [
		`FlowIQ sandbox listening on ${sandbox.url}`,
		`  acme key: ${KEYS.acme}   (tenantId "${ORGS.acme.tenantId}", organization_id ${ORGS.acme.id})`,
		`  globex key: ${KEYS.globex}   (tenantId "${ORGS.globex.tenantId}", organization_id ${ORGS.globex.id}; WhatsApp via wati)`,
		`  umbrella key: ${KEYS.umbrella}   (tenantId "${ORGS.umbrella.tenantId}", organization_id ${ORGS.umbrella.id}; Meta not configured)`,
		`  revoked key: ${KEYS.revoked}`,
		`  deleted-organisation key: ${KEYS.deletedOrg}`,
		`  already in acme: ${PHONES.existing} "Existing Customer" (25 messages), ${PHONES.quiet} "Quiet Customer" (none)`,
		`  not on WhatsApp: any number whose digits end in 0000 (e.g. ${PHONES.notOnWhatsApp})`,
	];
	const behaviour = [
		`latency ${options.latencyMs}ms${options.latencyJitterMs ? ` +0..${options.latencyJitterMs}ms` : ''}`,
		`rate limit ${options.rateLimit ? `${options.rateLimit}/s` : 'off'}`,
		options.faults && options.faults.rate > 0
			? `random faults ${options.faults.rate} on ${options.faults.routes.join(' ')} (seed ${options.faults.seed})`
			: 'random faults off',
		`name ${options.requireName ? 'required' : 'optional'}`,
		`revision ${options.revision}`,
	];
	lines.push(`  ${behaviour.join(', ')}`);
	lines.push('  routes: POST /contact, GET /contact, GET /conversations, POST /send-whatsapp, POST /set-webhooks');
	lines.push('  control: GET /__sandbox/stats, GET /__sandbox/contacts?org=acme, GET /__sandbox/sent?org=acme,');
	lines.push('           POST /__sandbox/reset, POST /__sandbox/configure, POST /__sandbox/fail-next,');
	lines.push('           POST /__sandbox/seed-contacts, GET /__sandbox/webhooks?org=acme,');
	lines.push('           POST /__sandbox/emit {"event_type": "message_received", "message": "Hello"}');
	return lines.join('\n');
}

async function main() {
	let options;
	try {
		options = parseArgs(process.argv.slice(2), process.env);
	} catch (error) {
		process.stderr.write(`flowiq-sandbox: ${error.message}\n\n${USAGE}\n`);
		process.exit(2);
	}
	if (options.help) {
		process.stdout.write(`${USAGE}\n`);
		return;
	}

	let sandbox;
	try {
		sandbox = await startSandbox(options);
	} catch (error) {
		const hint = error.code === 'EADDRINUSE' ? ` (port ${options.port} is taken; try --port 0)` : '';
		process.stderr.write(`flowiq-sandbox: could not start: ${error.message}${hint}\n`);
		process.exit(1);
	}
	process.stdout.write(`${banner(sandbox, sandbox.options())}\n`);

	let stopping = false;
	const stop = (signal) => {
		// A second Ctrl+C means "now", even if closing hangs.
		if (stopping) process.exit(1);
		stopping = true;
		process.stdout.write(`flowiq-sandbox: ${signal}, stopping\n`);
		sandbox.close().then(() => process.exit(0));
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
	main();
}

module.exports = { parseArgs, parseFaultKinds, parseFaultRoutes, DEFAULT_PORT, USAGE };
