#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: the FlowIQ node against n8n's own HTTP Request node calling POST /contact,
 * side by side, in one run, through n8n-core's real WorkflowExecute (scripts/engine.ts); and the
 * node's Contact → Get Many (Return All) and Message → Send on their own.
 * It prints figures and asserts nothing, except that Return All lists every contact exactly once
 * and Send reports every item: a run that silently loses items stops the bench.
 *
 *   npm run bench                  full run (about 5 minutes on 2 idle cores)
 *   npm run bench -- --quick       smaller smoke run (about 1 minute)
 *   npm run bench -- --no-build    reuse the bench's previous build (bench/results/dist)
 *   npm run bench -- --rounds 5    more rounds (median of them is reported)
 *   npm run bench -- --only listAll,listAllWide,listMemory
 *                                  only these parts: case ids (defineCases) or OTHER_PARTS; the
 *                                  table keeps the rows they fill, in bench/results/partial.*
 *
 * Set-up
 * - The FlowIQ node is the built one, as n8n loads it: compiled by `tsc -p tsconfig.build.json`
 *   (what `npm run build` runs) into bench/results/dist, so a rebuild of dist/ by someone else
 *   during the bench cannot change or remove it. The HTTP Request node (version 4.3)
 *   comes from the real n8n 1.x install that scripts/n8n-host.js keeps in ~/.cache; it is loaded
 *   here with `n8n-workflow` pointed at this project's copy (the same version), so both nodes run
 *   on one engine and one n8n-workflow, as they do inside n8n.
 * - Both authenticate with the real `flowIqApi` credential type: HTTP Request uses it as a
 *   predefined credential type, so both send the same `Authorization: Bearer fiq_...` header.
 * - The sandbox (sandbox/cli.js) runs in its own process, like a remote API would, and is
 *   reset before every run; its stats().maxInFlight is the "most requests in flight" figure.
 * - A plain Node `http` client with the same concurrency is measured too, as the reference for
 *   what this machine and the sandbox allow without n8n.
 * - Throughput cases run in this process, in rounds, in a rotating order, after a warm-up; the
 *   reported value is the median over rounds. Case 8 starts many single-item executions at once,
 *   as a busy Webhook → FlowIQ workflow does, with the node's pace shared (one copy of the node,
 *   as n8n loads it) or one per execution (a separate copy of the node's modules each). Memory is measured in a fresh child process per
 *   run; module load time in fresh `node -e` processes.
 *
 * Output: a Markdown table on stdout, bench/results/latest.json and bench/results/latest.md
 * (partial.json and partial.md with --only, so a partial run never replaces the full table).
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const ROOT = path.resolve(__dirname, '..');
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
/** The bench's own build (gitignored with bench/results/): `npm run build` empties dist/ first, which
 *  would pull the node from under other processes using it, or from under this bench. */
const BUILD_DIR = path.join(RESULTS_DIR, 'dist');
const FLOWIQ_NODE = path.join(BUILD_DIR, 'nodes', 'FlowIq', 'FlowIq.node.js');
const FLOWIQ_CREDENTIAL = path.join(BUILD_DIR, 'credentials', 'FlowIqApi.credentials.js');
const CONTACT_INPUT = path.join(BUILD_DIR, 'nodes', 'FlowIq', 'helpers', 'contactInput.js');
const { KEYS } = require('../sandbox/fixtures');
const { HOSTS, ensureHost } = require('./n8n-host');

/**
 * Lets this script require the project's TypeScript (the engine runner, the node's option specs):
 * transpiled on require, without a type check.
 */
function requireTypeScriptOnTheFly() {
	const ts = require('typescript');
	require.extensions['.ts'] = (module, filename) => {
		const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
			fileName: filename,
			compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2021, esModuleInterop: true },
		});
		module._compile(outputText, filename);
	};
}
requireTypeScriptOnTheFly();

const HTTP_REQUEST_VERSION = 4.3;
/** The node's Max Concurrency default, from the spec the editor and the node both use. */
const MAX_CONCURRENCY = require('../nodes/FlowIq/helpers/options.ts').MAX_CONCURRENCY.fallback;
const LATENCY_MS = 50;
/** Sandbox rate limit for case 4, in requests per second: well below the 100/s that 5 requests
 *  at 50 ms could reach, so the limit (not latency) decides the pace. */
const RATE_LIMIT = 40;
/** Case 4b: one 429 as the very first answer, at a latency that makes the run itself short. */
const EARLY_429_LATENCY_MS = 10;
const EARLY_429_RETRY_AFTER_S = 1;
/** Case 6: Return All over this many contacts (200 pages of 100), at LATENCY_MS. */
const LIST_CONTACTS = 20000;
/** Case 6b: Max Concurrency beside the default, to show how Return All scales with it. */
const LIST_WIDE_CONCURRENCY = 10;
/** Case 8: single-lead executions started at once, under case 4's limit and latency. */
const CONCURRENT_EXECUTIONS = 500;
/** The node's compiled modules: case 8's independent arm loads a separate copy of them per execution. */
const FLOWIQ_NODE_DIR = path.join(BUILD_DIR, 'nodes', 'FlowIq');
const SHARED_PACE_MODULE = path.join(FLOWIQ_NODE_DIR, 'transport', 'sharedPace.js');
/** The organisation every case runs as, whose contacts the list and send cases seed. */
const ORG = 'acme';
/** FlowIQ's lists need the credential's Tenant ID; Create does not, and its cases run without it, as before. */
const WITH_TENANT = { tenantId: ORG };

const SIZES = {
	full: { rounds: 3, items: 2000, rawItems: 500, overheadItems: 1000, limitedItems: RATE_LIMIT * 10, early429Items: 150, memoryItems: 10000, memoryRuns: 1, loadRuns: 7, warmupItems: 300, listContacts: LIST_CONTACTS, listWarmupContacts: 2000, concurrentExecutions: CONCURRENT_EXECUTIONS },
	// The list keeps its 20,000 contacts when quick: a run takes 2 s, and fewer pages would change
	// what the first page, read alone, costs.
	quick: { rounds: 1, items: 300, rawItems: 200, overheadItems: 300, limitedItems: RATE_LIMIT * 3, early429Items: 150, memoryItems: 2000, memoryRuns: 1, loadRuns: 3, warmupItems: 100, listContacts: LIST_CONTACTS, listWarmupContacts: 2000, concurrentExecutions: CONCURRENT_EXECUTIONS },
};

// ---------------------------------------------------------------------------------------------
// Small helpers

function parseArgs(argv) {
	const args = { quick: false, build: true, rounds: undefined, child: undefined, rest: {} };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--quick') args.quick = true;
		else if (arg === '--no-build') args.build = false;
		else if (arg === '--rounds') args.rounds = Number(argv[++i]);
		else if (arg === '--child') args.child = argv[++i];
		else if (arg.startsWith('--')) args.rest[arg.slice(2)] = argv[++i];
		else throw new Error(`unknown argument ${arg}`);
	}
	return args;
}

const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (value, digits = 0) => Number(value.toFixed(digits));
const fmt = (value, digits = 0) =>
	value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mb = (bytes) => bytes / 1024 / 1024;
const say = (line) => process.stderr.write(`[bench] ${line}\n`);

/** Unique, valid South African mobile numbers: a number is never sent twice in one process (the
 *  node remembers contacts it created per execution id, and the engine's id is constant). */
let batchCounter = 0;
function makeItems(count) {
	const batch = String(batchCounter++ % 100).padStart(2, '0');
	return Array.from({ length: count }, (_, i) => ({
		name: `Bench Person ${i}`,
		phone: `+278${batch}${String(i).padStart(5, '0')}1`,
	}));
}

// ---------------------------------------------------------------------------------------------
// Loading the engine and the two nodes (in this process or a child)

/**
 * Loads scripts/engine.ts outside jest, with the HTTP Request node's `n8n-workflow` / `n8n-core`
 * resolving to this project's copies (same versions as the host's).
 */
function loadEngine(hostDir) {
	const shared = ['n8n-workflow', 'n8n-core', '@n8n/di'];
	const resolve = Module._resolveFilename;
	Module._resolveFilename = function (request, parent, ...rest) {
		const fromHost = parent?.filename?.startsWith(hostDir + path.sep);
		if (fromHost && shared.some((name) => request === name || request.startsWith(`${name}/`))) {
			return require.resolve(request, { paths: [ROOT] });
		}
		return resolve.call(this, request, parent, ...rest);
	};
	const { runNode, shutdownEngine } = require('./engine.ts');

	const { FlowIq } = require(FLOWIQ_NODE);
	const { FlowIqApi } = require(FLOWIQ_CREDENTIAL);
	const baseDir = path.join(hostDir, 'node_modules', 'n8n-nodes-base');
	const { HttpRequest } = require(path.join(baseDir, 'dist', 'nodes', 'HttpRequest', 'HttpRequest.node.js'));
	const httpVersion = new HttpRequest().nodeVersions[HTTP_REQUEST_VERSION];
	// n8n registers base nodes under their package-qualified name; n8n-core gives that type (and
	// only that one) access to any credential type, which "predefined credential type" relies on.
	const httpRequest = Object.create(httpVersion, {
		description: { value: { ...httpVersion.description, name: 'n8n-nodes-base.httpRequest', version: HTTP_REQUEST_VERSION } },
	});
	return {
		runNode,
		flowIq: new FlowIq(),
		httpRequest,
		credentialType: new FlowIqApi(),
		shutdownEngine,
	};
}

/** Contact → Create over fresh items: its Created and Duplicate outputs count as ok. */
const createWorkload = {
	build: (engine, _sandboxUrl, { items }) => ({
		nodeType: engine.flowIq,
		parameters: { resource: 'contact', operation: 'create', name: '={{ $json.name }}', phoneNumber: '={{ $json.phone }}', options: {} },
		items: makeItems(items),
	}),
	count: (outputs, { onError }) => ({
		ok: outputs[0].length + outputs[1].length,
		failed: onError === 'continueErrorOutput' ? outputs[3].length : 0,
	}),
	warmUp: (size) => ({ items: size.warmupItems }),
	memoryWarmUp: (spec) => ({ ...spec, items: 50 }),
};

/** n8n's HTTP Request node sending what Contact → Create sends; it marks failed items with `error`. */
const httpWorkload = {
	build: (engine, sandboxUrl, { items, batching }) => ({
		nodeType: engine.httpRequest,
		parameters: {
			method: 'POST',
			url: `${sandboxUrl}/contact`,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: 'flowIqApi',
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={\n  "name": "{{ $json.name }}",\n  "phone_number": "{{ $json.phone }}"\n}',
			options: batching ? { batching: { batch: batching } } : {},
		},
		items: makeItems(items),
	}),
	count: (outputs) => {
		const failed = outputs[0].filter((item) => item.json.error !== undefined).length;
		return { ok: outputs[0].length - failed, failed };
	},
	warmUp: (size) => ({ items: size.warmupItems }),
	memoryWarmUp: (spec) => ({ ...spec, items: 50 }),
};

/**
 * Contact → Get Many with Return All (or `limit`), from one input item, over the contacts the
 * sandbox was seeded with (`contacts`, in FlowIQ's order); `items` is how many contacts come out.
 */
const listWorkload = {
	build: (engine, _sandboxUrl, { limit, maxConcurrency }) => ({
		nodeType: engine.flowIq,
		parameters: {
			resource: 'contact',
			operation: 'getAll',
			returnAll: limit === undefined,
			...(limit === undefined ? {} : { limit }),
			options: maxConcurrency === undefined ? {} : { maxConcurrency },
		},
		items: [{}],
		credentialData: WITH_TENANT,
	}),
	count: (outputs, { onError }) => ({ ok: outputs[0].length, failed: onError === 'continueErrorOutput' ? outputs[1].length : 0 }),
	warmUp: (size) => ({ items: size.listWarmupContacts, contactsTotal: size.listWarmupContacts }),
	/** Five pages: the first alone, then four at once, so the warm-up takes the concurrent path too. */
	memoryWarmUp: (spec) => ({ ...spec, limit: 500, items: 500 }),
	audit: auditListed,
	timeline: true,
};

/**
 * Message → Send of one text message to each of the first `items` contacts the sandbox was seeded
 * with (`contacts`): every message goes to a different existing contact, so the sandbox's sent log
 * shows any message sent twice.
 */
const sendWorkload = {
	build: (engine, _sandboxUrl, { items, contacts }) => ({
		nodeType: engine.flowIq,
		parameters: { resource: 'message', operation: 'send', phoneNumber: '={{ $json.phone }}', messageType: 'text', text: '={{ $json.text }}', options: {} },
		items: contacts.slice(0, items).map(({ phone }, i) => ({ phone, text: `Bench message ${i}` })),
		credentialData: WITH_TENANT,
	}),
	count: (outputs, { onError }) => ({ ok: outputs[0].length, failed: onError === 'continueErrorOutput' ? outputs[1].length : 0 }),
	warmUp: (size) => ({ items: size.warmupItems, contactsTotal: size.warmupItems }),
	audit: auditSent,
};

/**
 * Contact → Create of `items` fresh leads, one execution each, all started at once (case 8).
 * `pacers: 'shared'` runs every execution on the one FlowIQ node this process loaded, so they
 * share its pace; `'independent'` gives each execution a separate copy of the node's modules, so
 * each has a pace of its own. Runs through `run` instead of runCase, audited by auditConcurrent.
 */
const concurrentCreateWorkload = {
	run: concurrentRunsCase,
	warmUp: () => ({ items: 50, pacers: 'shared', onError: 'continueErrorOutput' }),
	audit: auditConcurrent,
};

/** A case's `node` names what it runs: one of these, or one of REFERENCES (no n8n). */
const WORKLOADS = { flowiq: createWorkload, http: httpWorkload, flowiqList: listWorkload, flowiqSend: sendWorkload, flowiqConcurrent: concurrentCreateWorkload };

/** Runs one case of a workload: its own `run` when it has one, otherwise a single execution. */
const runWorkload = (engine, sandboxUrl, spec) => (WORKLOADS[spec.node].run ?? runCase)(engine, sandboxUrl, spec);

/**
 * When a run's first HTTP request started and its last answer arrived, from Node's `http`
 * diagnostics channels (n8n's helper sends through `http`). Before the first: the engine and the
 * node setting up; after the last: the node and the engine handling the items. Neither overlaps
 * with waiting for FlowIQ, so they show what a run spends beyond its round trips, and where.
 */
function watchHttp() {
	const channels = require('node:diagnostics_channel');
	const times = { firstStart: undefined, lastAnswer: undefined };
	const onStart = () => (times.firstStart ??= performance.now());
	const onAnswer = () => (times.lastAnswer = performance.now());
	channels.subscribe('http.client.request.start', onStart);
	channels.subscribe('http.client.response.finish', onAnswer);
	return {
		times,
		stop: () => {
			channels.unsubscribe('http.client.request.start', onStart);
			channels.unsubscribe('http.client.response.finish', onAnswer);
		},
	};
}

/** One run of one workload (see WORKLOADS) through the engine. Returns timings and what came out. */
async function runCase(engine, sandboxUrl, spec) {
	const workload = WORKLOADS[spec.node];
	const { items, credentialData, ...options } = workload.build(engine, sandboxUrl, spec);
	const credentials = { type: 'flowIqApi', data: { apiKey: KEYS[ORG], baseUrl: sandboxUrl, ...credentialData }, credentialType: engine.credentialType };
	const settings = spec.onError ? { onError: spec.onError } : undefined;
	const http = workload.timeline ? watchHttp() : undefined;
	const cpu = process.cpuUsage();
	const started = performance.now();
	const result = await engine.runNode({ ...options, items, credentials, settings });
	const ended = performance.now();
	const cpuUsed = process.cpuUsage(cpu);
	http?.stop();
	let { ok, failed } = workload.count(result.outputs, spec);
	if (result.error) failed = spec.items - ok;
	const summary = { items: spec.items, wallMs: ended - started, cpuMs: (cpuUsed.user + cpuUsed.system) / 1000, ok, failed, error: result.error?.message };
	if (http?.times.lastAnswer !== undefined) {
		summary.beforeFirstRequestMs = http.times.firstStart - started;
		summary.requestsMs = http.times.lastAnswer - http.times.firstStart;
		summary.afterLastAnswerMs = ended - http.times.lastAnswer;
	}
	// Not enumerable: kept for the audit and the memory child, left out of the JSON.
	return Object.defineProperty(summary, 'result', { value: result });
}

/**
 * `count` FlowIQ nodes, each from a separate copy of the node's compiled modules: the require
 * cache of nodes/FlowIq/** is cleared before each require, so every copy has its own
 * transport/sharedPace.js and so its own pace registry, as in separate processes (or as the node
 * was before the pace was shared). The cache is put back as it was afterwards, so the rest of the
 * bench keeps the modules it loaded first. Checks that the copies' pace modules are all distinct.
 */
function loadSeparateNodeCopies(count) {
	const nodeModules = () => Object.keys(require.cache).filter((file) => file.startsWith(FLOWIQ_NODE_DIR + path.sep));
	const original = Object.fromEntries(nodeModules().map((file) => [file, require.cache[file]]));
	const paceModules = new Set(original[SHARED_PACE_MODULE] ? [original[SHARED_PACE_MODULE].exports] : []);
	const copies = [];
	try {
		for (let i = 0; i < count; i++) {
			for (const file of nodeModules()) delete require.cache[file];
			const { FlowIq } = require(FLOWIQ_NODE);
			const paceModule = require.cache[SHARED_PACE_MODULE]?.exports;
			if (!paceModule?.holdPace || paceModules.has(paceModule)) throw new Error(`node copy ${i} has no pace module of its own`);
			paceModules.add(paceModule);
			copies.push(new FlowIq());
		}
	} finally {
		for (const file of nodeModules()) delete require.cache[file];
		Object.assign(require.cache, original);
	}
	return copies;
}

/**
 * Case 8: `items` executions of Contact → Create with one fresh lead each, started together
 * (Promise.all of runNode), default options. The clock starts once every execution's node is
 * loaded (the independent arm's copies are loaded before it) and stops when the last one ends.
 * `lost`: executions whose one item did not come out on exactly one output.
 */
async function concurrentRunsCase(engine, sandboxUrl, spec) {
	const count = spec.items;
	const loadStarted = performance.now();
	const nodeTypes = spec.pacers === 'independent' ? loadSeparateNodeCopies(count) : Array(count).fill(engine.flowIq);
	const loadMs = performance.now() - loadStarted;
	const leads = makeItems(count);
	const { parameters } = createWorkload.build(engine, sandboxUrl, { items: 0 });
	const credentials = { type: 'flowIqApi', data: { apiKey: KEYS[ORG], baseUrl: sandboxUrl }, credentialType: engine.credentialType };
	const settings = spec.onError ? { onError: spec.onError } : undefined;
	const cpu = process.cpuUsage();
	const started = performance.now();
	const results = await Promise.all(leads.map((lead, i) => engine.runNode({ nodeType: nodeTypes[i], parameters, items: [lead], credentials, settings })));
	const ended = performance.now();
	const cpuUsed = process.cpuUsage(cpu);
	// Create's outputs: Created, Duplicate, Invalid, then the error output ("Continue (using error output)").
	const tally = { created: 0, duplicate: 0, invalid: 0, errorOutput: 0, lost: 0, runErrors: 0 };
	const okPhones = [];
	results.forEach((result, i) => {
		const [created = [], duplicate = [], invalid = [], errorOutput = []] = result.outputs;
		tally.created += created.length;
		tally.duplicate += duplicate.length;
		tally.invalid += invalid.length;
		tally.errorOutput += errorOutput.length;
		if (result.error) tally.runErrors++;
		if (result.outputs.reduce((sum, output) => sum + output.length, 0) !== 1) tally.lost++;
		if (created.length + duplicate.length === 1) okPhones.push(leads[i].phone);
	});
	const summary = {
		items: count,
		wallMs: ended - started,
		cpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
		ok: tally.created + tally.duplicate,
		failed: tally.invalid + tally.errorOutput,
		...tally,
		loadMs,
	};
	// Not enumerable: kept for the audit, left out of the JSON.
	return Object.defineProperties(summary, { leads: { value: leads }, okPhones: { value: okPhones } });
}

/**
 * Case 8 must account for every execution's lead on exactly one output (a lost one stops the
 * bench), and FlowIQ must hold at most one contact per number, and one for every lead reported
 * Created or Duplicate.
 */
async function auditConcurrent(run, spec, sandbox) {
	if (run.lost || run.ok + run.failed !== spec.items) {
		throw new Error(
			`${spec.id ?? 'warm-up'}: ${run.lost} of ${spec.items} executions did not put their lead on exactly one output ` +
				`(${run.ok} ok, ${run.failed} failed, ${run.runErrors} run errors)`,
		);
	}
	const digits = (phone) => String(phone).replace(/\D/g, '');
	const held = new Map(run.leads.map(({ phone }) => [digits(phone), 0]));
	for (const { phone } of await sandbox.contacts()) {
		const key = digits(phone);
		if (held.has(key)) held.set(key, held.get(key) + 1);
	}
	const doubled = [...held.values()].filter((n) => n > 1).length;
	const missing = run.okPhones.filter((phone) => held.get(digits(phone)) !== 1).length;
	const contacts = [...held.values()].reduce((sum, n) => sum + n, 0);
	if (doubled || missing) {
		throw new Error(`${spec.id ?? 'warm-up'}: ${doubled} numbers held more than one contact, ${missing} leads reported created have no contact (${contacts} contacts)`);
	}
	return { contacts, doubled };
}

/**
 * Return All must list each of the sandbox's contacts exactly once, in FlowIQ's order: a list that
 * came back short (a page lost, or read twice and deduplicated away) stops the bench here instead
 * of being reported as a rate over fewer contacts.
 */
function auditListed(run, { contacts, items }) {
	const expected = contacts.slice(0, items).map(({ id }) => id);
	const listed = run.result.outputs[0].map((item) => item.json.id);
	const distinct = new Set(listed);
	const missing = expected.filter((id) => !distinct.has(id)).length;
	const firstOutOfPlace = expected.findIndex((id, i) => listed[i] !== id);
	if (listed.length !== expected.length || firstOutOfPlace !== -1 || run.error) {
		throw new Error(
			`Return All listed ${listed.length} of ${expected.length} contacts (${distinct.size} distinct, ${missing} missing, ` +
				`first out of place at index ${firstOutOfPlace}); run error: ${run.error ?? 'none'}`,
		);
	}
}

/**
 * Send must account for every item, sent or failed (a short count stops the bench), and FlowIQ
 * must have received each message once: every item goes to its own contact, so a recipient seen
 * twice in the sandbox's sent log is a message sent twice.
 */
async function auditSent(run, { items }, sandbox) {
	if (run.ok + run.failed !== items) throw new Error(`Send accounted for ${run.ok} sent and ${run.failed} failed of ${items} items`);
	const log = await sandbox.sent();
	const recipients = new Set(log.map((entry) => entry.recipient));
	return { sentLogged: log.length, sentTwice: log.length - recipients.size };
}

/**
 * Reference, not a node: plain Node `http` POSTs with `concurrency` in flight and a new connection
 * each (as n8n's helpers make them). What this machine and the sandbox allow at all.
 */
async function rawHttpCase(sandboxUrl, { items: count, concurrency }) {
	const http = require('node:http');
	const items = makeItems(count);
	const send = (item) =>
		new Promise((resolve, reject) => {
			const body = JSON.stringify({ name: item.name, phone_number: item.phone });
			const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${KEYS.acme}` };
			const request = http.request(`${sandboxUrl}/contact`, { method: 'POST', agent: false, headers }, (response) => {
				response.resume();
				response.on('end', () => resolve(response.statusCode));
			});
			request.on('error', reject);
			request.end(body);
		});
	let next = 0;
	let ok = 0;
	const cpu = process.cpuUsage();
	const started = performance.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < items.length) if ((await send(items[next++])) === 201) ok++;
		}),
	);
	const wallMs = performance.now() - started;
	const cpuUsed = process.cpuUsage(cpu);
	return { items: count, wallMs, cpuMs: (cpuUsed.user + cpuUsed.system) / 1000, ok, failed: count - ok };
}

/**
 * Reference for Return All, not a node: the node's own page schedule (collectPages, from its
 * build) over plain Node `http` GETs, a new connection each, no n8n. What this machine and the
 * sandbox allow for the same pages; it must list every contact too.
 */
async function rawListCase(sandboxUrl, { items: count, maxConcurrency = MAX_CONCURRENCY }) {
	const http = require('node:http');
	const { collectPages } = require(path.join(BUILD_DIR, 'nodes', 'FlowIq', 'transport', 'pagination.js'));
	const getJson = (url) =>
		new Promise((resolve, reject) => {
			const headers = { authorization: `Bearer ${KEYS[ORG]}` };
			http.get(url, { agent: false, headers }, (response) => {
				let text = '';
				response.setEncoding('utf8');
				response.on('data', (chunk) => (text += chunk));
				response.on('end', () => (response.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`${response.statusCode} ${text}`))));
			}).on('error', reject);
		});
	const fetchPage = async (page, limit) => {
		const body = await getJson(`${sandboxUrl}/conversations?action=contacts&page=${page}&limit=${limit}&tenantId=${ORG}`);
		return { items: body.contacts, totalPages: body.pagination.totalPages, hasNextPage: body.pagination.hasNextPage };
	};
	const cpu = process.cpuUsage();
	const started = performance.now();
	const listed = await collectPages(fetchPage, { wanted: Infinity, pageSize: listPageSize(), concurrency: maxConcurrency, identify: (contact) => contact.id });
	const wallMs = performance.now() - started;
	const cpuUsed = process.cpuUsage(cpu);
	if (listed.length !== count) throw new Error(`the plain-http reference listed ${listed.length} of ${count} contacts`);
	return { items: count, wallMs, cpuMs: (cpuUsed.user + cpuUsed.system) / 1000, ok: listed.length, failed: 0 };
}

/** Cases that run without n8n, by `node`. */
const REFERENCES = { raw: rawHttpCase, rawList: rawListCase };

// ---------------------------------------------------------------------------------------------
// The sandbox, in its own process

async function startSandboxProcess() {
	const child = spawn(process.execPath, [path.join(ROOT, 'sandbox', 'cli.js'), '--port', '0', '--quiet'], {
		cwd: ROOT,
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const firstLine = await new Promise((resolve, reject) => {
		const lines = readline.createInterface({ input: child.stdout });
		lines.once('line', resolve);
		child.once('exit', (code) => reject(new Error(`the sandbox exited (${code}) before listening`)));
	});
	const url = /listening on (\S+)/.exec(firstLine)?.[1];
	if (!url) throw new Error(`unexpected sandbox output: ${firstLine}`);
	return { ...sandboxControl(url), stop: () => child.kill('SIGTERM') };
}

/** The sandbox's control routes (/__sandbox/...), from this process or a memory child. */
function sandboxControl(url) {
	// A new connection per call: a kept-alive one can be closed by the sandbox while this process
	// waits for a memory child, and the next call would fail on it.
	const control = (method, route, body) =>
		new Promise((resolve, reject) => {
			const payload = body ? JSON.stringify(body) : '';
			const request = require('node:http').request(
				`${url}/__sandbox/${route}`,
				{ method, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
				(response) => {
					let text = '';
					response.setEncoding('utf8');
					response.on('data', (chunk) => (text += chunk));
					response.on('end', () =>
						response.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`sandbox ${route}: ${response.statusCode} ${text}`)),
					);
				},
			);
			request.on('error', reject);
			request.end(payload);
		});
	/** The organisation's contacts in FlowIQ's (insertion) order, reduced to what the cases use. */
	const contacts = async () => (await control('GET', `contacts?org=${ORG}`)).map(({ id, phone_number: phone }) => ({ id, phone }));
	return {
		url,
		/**
		 * Sets latency and rate limit, then forgets contacts, stats and the rate-limit window;
		 * `firstAnswer` queues a fault for the run's very first request. With `contactsTotal`, the
		 * organisation is seeded up to that many contacts, which are returned as `{ contacts }`.
		 */
		prepare: async ({ latencyMs = 0, rateLimit = 0, firstAnswer, contactsTotal }) => {
			await control('POST', 'configure', { latencyMs, rateLimit });
			await control('POST', 'reset');
			if (firstAnswer) await control('POST', 'fail-next', { fault: firstAnswer });
			if (!contactsTotal) return {};
			const missing = contactsTotal - (await contacts()).length;
			if (missing > 0) await control('POST', 'seed-contacts', { org: ORG, count: missing, namePrefix: 'Bench Contact' });
			return { contacts: await contacts() };
		},
		stats: () => control('GET', 'stats'),
		contacts,
		/** The messages FlowIQ accepted since the last reset, oldest first. */
		sent: () => control('GET', `sent?org=${ORG}`),
	};
}

// ---------------------------------------------------------------------------------------------
// Child processes: peak memory, module load time

/**
 * `--child memory`: one run of `--spec` in a fresh process, peak RSS over a baseline taken after
 * a warm-up. The sandbox was prepared (and seeded, for a list) by the parent.
 */
async function memoryChild(rest) {
	const engine = loadEngine(rest.host);
	const gc = require('node:vm').runInNewContext('gc'); // spawned with --expose-gc
	const spec = JSON.parse(rest.spec);
	const workload = WORKLOADS[spec.node];
	await runCase(engine, rest.sandbox, workload.memoryWarmUp(spec));
	gc();
	gc();
	const baseline = process.memoryUsage().rss;
	const baselineHeap = process.memoryUsage().heapUsed;
	// Writing 5 resets the kernel's peak-RSS counter (VmHWM) to the current RSS (Linux >= 4.0).
	let kernelPeak = false;
	try {
		fs.writeFileSync('/proc/self/clear_refs', '5');
		kernelPeak = true;
	} catch {}
	let sampledPeak = baseline;
	let peakHeap = baselineHeap;
	const sampler = setInterval(() => {
		const { rss, heapUsed } = process.memoryUsage();
		sampledPeak = Math.max(sampledPeak, rss);
		peakHeap = Math.max(peakHeap, heapUsed);
	}, 5);
	const run = await runCase(engine, rest.sandbox, spec);
	clearInterval(sampler);
	const hwm = kernelPeak ? Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) * 1024 : 0;
	const peak = Math.max(hwm, sampledPeak, process.memoryUsage().rss);
	// What is still held once garbage is collected (n8n keeps the run's output items, as here).
	gc();
	gc();
	const retainedHeap = process.memoryUsage().heapUsed - baselineHeap;
	if (!run.result) throw new Error('the run result should still be referenced here');
	// The contacts a list is audited against are read only now: read before the baseline, their
	// 20,000 records would leave heap pages behind that the run reuses, and hide its peak.
	await workload.audit?.(run, spec.contactsTotal ? { ...spec, contacts: await sandboxControl(rest.sandbox).contacts() } : spec);
	// For scale: what the output items weigh as JSON, per item.
	const outputJsonBytes = Buffer.byteLength(JSON.stringify(run.result.outputs.flat().map((item) => item.json))) / run.items;
	const heapGrowth = peakHeap - baselineHeap; // sampled every 5 ms, so a lower bound
	process.stdout.write(`${JSON.stringify({ ...run, baselineRss: baseline, peakRss: peak, retainedHeap, heapGrowth, kernelPeak, outputJsonBytes })}\n`);
	engine.shutdownEngine();
	process.exit(0);
}

function runMemoryChild(hostDir, sandboxUrl, spec) {
	const child = spawnSync(
		process.execPath,
		['--expose-gc', __filename, '--child', 'memory', '--spec', JSON.stringify(spec), '--sandbox', sandboxUrl, '--host', hostDir],
		{ cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
	);
	if (child.status !== 0) throw new Error(`memory child (${spec.node}) failed:\n${child.stderr}`);
	return JSON.parse(child.stdout.trim().split('\n').pop());
}

/** Milliseconds to require the built node in a fresh process, optionally after n8n-workflow. */
function loadTimeMs(preloadWorkflow) {
	const code = [
		preloadWorkflow ? "require('n8n-workflow');" : '',
		'const started = process.hrtime.bigint();',
		`require(${JSON.stringify(FLOWIQ_NODE)});`,
		'process.stdout.write(String(Number(process.hrtime.bigint() - started) / 1e6));',
	].join('\n');
	const child = spawnSync(process.execPath, ['-e', code], { cwd: ROOT, encoding: 'utf8' });
	if (child.status !== 0) throw new Error(`load-time child failed:\n${child.stderr}`);
	return Number(child.stdout);
}

// ---------------------------------------------------------------------------------------------
// Phone normalisation

/** Numbers as people type them, with the default country the node would be given (or none). */
function phoneSamples() {
	const samples = [];
	for (let i = 0; i < 250; i++) {
		const d4 = String(1000 + ((i * 7919) % 9000));
		const d3 = String(100 + ((i * 613) % 900));
		samples.push(
			[`+27 82 ${d3} ${d4}`, undefined],
			[`0027-82-${d3}-${d4}`, undefined],
			[`082 ${d3} ${d4}`, 'ZA'],
			[`(082) ${d3}-${d4}`, 'ZA'],
			[`+1 (415) ${d3}-${d4}`, undefined],
			[`+44 20 7${d3} ${d4}`, undefined],
			[`+91 98${d3} ${d4}0`, undefined],
			[Number(`2782${d3}${d4}`), undefined],
			[`+49 30 ${d3}${d4}`, undefined],
			[i % 2 ? `+27 82 ${d3} ${d4} ext ${i}` : `call ${d4}`, undefined], // invalid on purpose
		);
	}
	return samples;
}

function phoneThroughput(repeats) {
	const { cleanPhone } = require(CONTACT_INPUT);
	const samples = phoneSamples();
	let valid = 0;
	for (const [raw, country] of samples) if (cleanPhone(raw, country).ok) valid++;
	for (let warm = 0; warm < 5; warm++) for (const [raw, country] of samples) cleanPhone(raw, country);
	const rates = [];
	for (let r = 0; r < repeats; r++) {
		let count = 0;
		const started = performance.now();
		while (performance.now() - started < 500) {
			for (const [raw, country] of samples) cleanPhone(raw, country);
			count += samples.length;
		}
		rates.push(count / ((performance.now() - started) / 1000));
	}
	return { perSecond: median(rates), runs: rates, distinctInputs: samples.length, validShare: valid / samples.length };
}

// ---------------------------------------------------------------------------------------------
// The benchmark

function machineInfo(hostDir) {
	const version = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
	const hostModules = path.join(hostDir, 'node_modules');
	return {
		cpu: os.cpus()[0]?.model?.trim() ?? 'unknown',
		cores: os.availableParallelism(),
		memoryGB: round(os.totalmem() / 1024 ** 3, 1),
		os: `${os.type()} ${os.release()} ${os.arch()}`,
		node: process.version,
		n8n: version(path.join(hostModules, 'n8n')),
		n8nNodesBase: version(path.join(hostModules, 'n8n-nodes-base')),
		n8nCore: version(path.dirname(require.resolve('n8n-core/package.json', { paths: [ROOT] }))),
		n8nWorkflow: version(path.dirname(require.resolve('n8n-workflow/package.json', { paths: [ROOT] }))),
		loadAverageAtStart: os.loadavg().map((value) => round(value, 2)),
	};
}

function defineCases(size) {
	const batching = { batchSize: MAX_CONCURRENCY, batchInterval: LATENCY_MS };
	return [
		{ id: 'flowiq', node: 'flowiq', items: size.items, latencyMs: LATENCY_MS },
		{ id: 'httpDefaults', node: 'http', items: size.items, latencyMs: LATENCY_MS },
		{ id: 'httpBatched', node: 'http', items: size.items, latencyMs: LATENCY_MS, batching },
		{ id: 'rawHttp', node: 'raw', items: size.rawItems, latencyMs: LATENCY_MS, concurrency: MAX_CONCURRENCY },
		{ id: 'flowiqZeroLatency', node: 'flowiq', items: size.overheadItems, latencyMs: 0 },
		{ id: 'httpZeroLatency', node: 'http', items: size.overheadItems, latencyMs: 0 },
		// Continue (using error output) so failed items are counted instead of stopping the run.
		{ id: 'flowiqRateLimited', node: 'flowiq', items: size.limitedItems, latencyMs: LATENCY_MS, rateLimit: RATE_LIMIT, onError: 'continueErrorOutput' },
		{ id: 'httpRateLimited', node: 'http', items: size.limitedItems, latencyMs: LATENCY_MS, rateLimit: RATE_LIMIT, onError: 'continueRegularOutput' },
		// The same short run with and without a 429 as its very first answer, side by side.
		{
			id: 'flowiqEarly429',
			node: 'flowiq',
			items: size.early429Items,
			latencyMs: EARLY_429_LATENCY_MS,
			firstAnswer: { status: 429, retryAfter: EARLY_429_RETRY_AFTER_S },
		},
		{ id: 'flowiqNo429', node: 'flowiq', items: size.early429Items, latencyMs: EARLY_429_LATENCY_MS },
		// Return All over the same contacts at the default and a wider Max Concurrency, side by side;
		// and at 0 ms latency, where what is left is the cost per contact of the node, the engine
		// and the sandbox.
		{ id: 'listAll', node: 'flowiqList', items: size.listContacts, contactsTotal: size.listContacts, latencyMs: LATENCY_MS },
		{
			id: 'listAllWide',
			node: 'flowiqList',
			items: size.listContacts,
			contactsTotal: size.listContacts,
			latencyMs: LATENCY_MS,
			maxConcurrency: LIST_WIDE_CONCURRENCY,
		},
		{ id: 'listAllRaw', node: 'rawList', items: size.listContacts, contactsTotal: size.listContacts, latencyMs: LATENCY_MS },
		{ id: 'listAllZeroLatency', node: 'flowiqList', items: size.listContacts, contactsTotal: size.listContacts, latencyMs: 0 },
		// Sends under case 4's limit, beside its creates (flowiqRateLimited): as many items, so the
		// pace's start after the first 429 weighs the same on both.
		{
			id: 'sendRateLimited',
			node: 'flowiqSend',
			items: size.limitedItems,
			contactsTotal: size.limitedItems,
			latencyMs: LATENCY_MS,
			rateLimit: RATE_LIMIT,
			onError: 'continueErrorOutput',
		},
		// Single-lead executions all at once under case 4's limit, as a busy Webhook → FlowIQ
		// workflow runs them: sharing the node's pace, and each with its own, side by side.
		...['shared', 'independent'].map((pacers) => ({
			id: pacers === 'shared' ? 'concurrentShared' : 'concurrentIndependent',
			node: 'flowiqConcurrent',
			items: size.concurrentExecutions,
			latencyMs: LATENCY_MS,
			rateLimit: RATE_LIMIT,
			onError: 'continueErrorOutput',
			pacers,
		})),
	];
}

/** What `--only` can name besides case ids: the measurements that are not throughput cases. */
const OTHER_PARTS = ['memory', 'listMemory', 'load', 'phones'];

/** The parts `--only a,b` names (every part without it); refuses a name that is no part. */
function selectParts(only, cases) {
	const known = [...cases.map(({ id }) => id), ...OTHER_PARTS];
	if (only === undefined) return known;
	const named = only.split(',').map((part) => part.trim()).filter(Boolean);
	const unknown = named.filter((part) => !known.includes(part));
	if (unknown.length || !named.length) throw new Error(`--only takes a comma list of: ${known.join(', ')}; got ${JSON.stringify(only)}`);
	return named;
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.child === 'memory') return await memoryChild(args.rest);
	const size = { ...SIZES[args.quick ? 'quick' : 'full'] };
	if (args.rounds) size.rounds = args.rounds;
	const benchStarted = performance.now();

	const hostDir = await ensureHost('1');
	if (args.build) {
		say(`tsc -p tsconfig.build.json --outDir ${path.relative(ROOT, BUILD_DIR)}`);
		fs.rmSync(BUILD_DIR, { recursive: true, force: true });
		const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
		const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', BUILD_DIR], { cwd: ROOT, encoding: 'utf8' });
		if (build.status !== 0) throw new Error(`the TypeScript build failed:\n${build.stdout}\n${build.stderr}`);
	}
	if (!fs.existsSync(FLOWIQ_NODE)) throw new Error(`${FLOWIQ_NODE} is missing: run without --no-build`);
	const machine = machineInfo(hostDir);
	if (HOSTS['1'].n8nVersion !== machine.n8n) say(`warning: expected n8n ${HOSTS['1'].n8nVersion}, found ${machine.n8n}`);

	const allCases = defineCases(size);
	const parts = selectParts(args.rest.only, allCases);
	const selected = (part) => parts.includes(part);
	const cases = allCases.filter(({ id }) => selected(id));

	const sandbox = await startSandboxProcess();
	const engine = loadEngine(hostDir);
	const gc = (require('node:v8').setFlagsFromString('--expose-gc'), require('node:vm').runInNewContext('gc'));
	try {
		const warmUps = [...new Set(cases.map(({ node }) => node))].filter((node) => WORKLOADS[node]);
		say(`warm-up (twice through each of ${warmUps.join(', ') || 'nothing'})`);
		for (const node of [...warmUps, ...warmUps]) {
			const spec = { node, ...WORKLOADS[node].warmUp(size) };
			await runWorkload(engine, sandbox.url, { ...spec, ...(await sandbox.prepare(spec)) });
		}

		// Every case has its (maybe empty) list, so the summary of a partial run can read them all.
		const runs = Object.fromEntries(allCases.map(({ id }) => [id, []]));
		for (let r = 0; r < size.rounds; r++) {
			// Rotate the order each round so no case always runs first, or right after another.
			const order = [...cases.slice(r % cases.length), ...cases.slice(0, r % cases.length)];
			for (const caseSpec of order) {
				const spec = { ...caseSpec, ...(await sandbox.prepare(caseSpec)) };
				gc();
				const run = REFERENCES[spec.node] ? await REFERENCES[spec.node](sandbox.url, spec) : await runWorkload(engine, sandbox.url, spec);
				const stats = await sandbox.stats();
				run.maxInFlight = stats.maxInFlight;
				run.requests = stats.requests;
				run.rateLimited = stats.rateLimited;
				run.itemsPerSecond = run.items / (run.wallMs / 1000);
				Object.assign(run, await WORKLOADS[spec.node]?.audit?.(run, spec, sandbox));
				// A copy of the enumerable fields: the run's output items (20,000 for a list) are not kept.
				runs[spec.id].push({ ...run });
				say(
					`round ${r + 1}/${size.rounds} ${spec.id.padEnd(18)} ${fmt(run.itemsPerSecond, 1).padStart(8)} items/s ` +
						`in flight <= ${run.maxInFlight}, ${run.requests} requests, ${run.ok} ok, ${run.failed} failed, ${run.rateLimited} x 429` +
						(run.sentTwice === undefined ? '' : `, ${run.sentLogged} in the sent log, ${run.sentTwice} sent twice`) +
						(run.contacts === undefined ? '' : `, ${run.contacts} contacts, ${run.doubled} doubled, ${fmt(run.loadMs)} ms loading the node`) +
						(run.error ? ` (run error: ${run.error})` : ''),
				);
			}
		}

		const memory = { flowiq: [], http: [], list: [] };
		/** One memory child over `spec` at 0 ms latency, recorded under `key`. */
		const measureMemory = async (key, spec) => {
			await sandbox.prepare(spec);
			const run = runMemoryChild(hostDir, sandbox.url, spec);
			run.extraMB = mb(run.peakRss - run.baselineRss);
			run.retainedMB = mb(run.retainedHeap);
			run.peakHeapMB = mb(run.heapGrowth);
			memory[key].push(run);
			say(`memory ${key.padEnd(6)} +${fmt(run.extraMB, 1)} MB over a ${fmt(mb(run.baselineRss), 1)} MB baseline (heap retained after GC +${fmt(run.retainedMB, 1)} MB), ${run.ok} ok`);
		};
		if (selected('memory')) {
			say(`peak memory: ${size.memoryItems} items, ${size.memoryRuns} run(s) per node, each in a fresh process`);
			for (let r = 0; r < size.memoryRuns; r++) {
				for (const node of r % 2 ? ['http', 'flowiq'] : ['flowiq', 'http']) await measureMemory(node, { node, items: size.memoryItems });
			}
		}
		if (selected('listMemory')) {
			say(`peak memory of Return All over ${size.listContacts} contacts, ${size.memoryRuns} run(s), each in a fresh process`);
			for (let r = 0; r < size.memoryRuns; r++) {
				await measureMemory('list', { node: 'flowiqList', items: size.listContacts, contactsTotal: size.listContacts });
			}
		}

		const loads = { withWorkflow: [], cold: [] };
		if (selected('load')) {
			say('module load time');
			for (let r = 0; r < size.loadRuns; r++) {
				loads.withWorkflow.push(loadTimeMs(true));
				loads.cold.push(loadTimeMs(false));
			}
		}
		if (selected('phones')) say('phone normalisation');
		const phones = selected('phones') ? phoneThroughput(args.quick ? 3 : 5) : { perSecond: NaN };

		const summary = summarise({ size, runs, memory, loads, phones, parts });
		const partial = args.rest.only !== undefined;
		const flags = [args.quick && '--quick', partial && `--only ${parts.join(',')}`].filter(Boolean);
		const report = {
			generatedAt: new Date().toISOString(),
			command: `npm run bench${flags.length ? ` -- ${flags.join(' ')}` : ''}`,
			machine: { ...machine, loadAverageAtEnd: os.loadavg().map((value) => round(value, 2)) },
			settings: {
				rounds: size.rounds,
				maxConcurrency: MAX_CONCURRENCY,
				latencyMs: LATENCY_MS,
				rateLimitPerSecond: RATE_LIMIT,
				listContacts: size.listContacts,
				listWideConcurrency: LIST_WIDE_CONCURRENCY,
				parts,
				httpRequestVersion: HTTP_REQUEST_VERSION,
				httpRequestBatching: { batchSize: MAX_CONCURRENCY, batchInterval: LATENCY_MS },
				httpRequestAuthentication: 'predefinedCredentialType: flowIqApi',
				sizes: size,
			},
			summary,
			runs,
			memory,
			moduleLoadMs: loads,
			phoneNormalisation: phones,
			benchSeconds: round((performance.now() - benchStarted) / 1000, 1),
		};
		const markdown = toMarkdown(report);
		const name = partial ? 'partial' : 'latest';
		fs.mkdirSync(RESULTS_DIR, { recursive: true });
		fs.writeFileSync(path.join(RESULTS_DIR, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
		fs.writeFileSync(path.join(RESULTS_DIR, `${name}.md`), markdown);
		process.stdout.write(`\n${markdown}\n`);
		say(`wrote bench/results/${name}.json and ${name}.md in ${report.benchSeconds} s`);
	} finally {
		sandbox.stop();
		engine.shutdownEngine();
	}
}

// ---------------------------------------------------------------------------------------------
// Summary, targets and the Markdown table

/** The node's page size for lists, from its build: FlowIQ's largest page. */
const listPageSize = () => require(path.join(BUILD_DIR, 'nodes', 'FlowIq', 'actions', 'list.js')).MAX_PAGE_SIZE;

/**
 * The most contacts per second Return All could list. `plain`: Max Concurrency pages in flight all
 * the time, one answer per latency each. `firstPageAlone`: what the node can do at best, since the
 * first page (which says how many pages there are) is read alone before the others go
 * `concurrency` at a time: 1 + ⌈(pages − 1) / concurrency⌉ round trips (41 instead of 40 for 200
 * pages at 5; 21 instead of 20 at 10).
 */
function returnAllCeiling({ contacts, pageSize, concurrency, latencyMs }) {
	const pages = Math.ceil(contacts / pageSize);
	const roundTrips = 1 + Math.ceil((pages - 1) / concurrency);
	return {
		pageSize,
		pages,
		roundTrips,
		/** What `plain` assumes: every round trip carries Max Concurrency pages. */
		plainRoundTrips: Math.ceil(pages / concurrency),
		plain: (concurrency * pageSize) / (latencyMs / 1000),
		firstPageAlone: contacts / ((roundTrips * latencyMs) / 1000),
	};
}

function summarise({ size, runs, memory, loads, phones, parts }) {
	const m = (id, field) => median(runs[id].map((run) => run[field]));
	const worst = (id, field) => Math.max(...runs[id].map((run) => run[field]));
	const ideal = MAX_CONCURRENCY / (LATENCY_MS / 1000);
	const usPerItem = (id) => median(runs[id].map((run) => (run.wallMs * 1000) / run.items));
	const cpuUsPerItem = (id) => median(runs[id].map((run) => (run.cpuMs * 1000) / run.items));
	const s = {
		ideal,
		flowiq: { itemsPerSecond: m('flowiq', 'itemsPerSecond'), maxInFlight: worst('flowiq', 'maxInFlight'), failed: worst('flowiq', 'failed') },
		httpDefaults: { itemsPerSecond: m('httpDefaults', 'itemsPerSecond'), maxInFlight: worst('httpDefaults', 'maxInFlight'), failed: worst('httpDefaults', 'failed') },
		httpBatched: { itemsPerSecond: m('httpBatched', 'itemsPerSecond'), maxInFlight: worst('httpBatched', 'maxInFlight'), failed: worst('httpBatched', 'failed') },
		rawHttp: { itemsPerSecond: m('rawHttp', 'itemsPerSecond'), maxInFlight: worst('rawHttp', 'maxInFlight') },
		overhead: {
			flowiqUs: usPerItem('flowiqZeroLatency'),
			httpUs: usPerItem('httpZeroLatency'),
			flowiqCpuUs: cpuUsPerItem('flowiqZeroLatency'),
			httpCpuUs: cpuUsPerItem('httpZeroLatency'),
			flowiqMaxInFlight: worst('flowiqZeroLatency', 'maxInFlight'),
			httpMaxInFlight: worst('httpZeroLatency', 'maxInFlight'),
		},
		rateLimited: {
			flowiqItemsPerSecond: m('flowiqRateLimited', 'itemsPerSecond'),
			flowiqFailed: worst('flowiqRateLimited', 'failed'),
			flowiq429: m('flowiqRateLimited', 'rateLimited'),
			httpItemsPerSecond: m('httpRateLimited', 'itemsPerSecond'),
			httpFailed: worst('httpRateLimited', 'failed'),
			http429: m('httpRateLimited', 'rateLimited'),
			items: size.limitedItems,
		},
		early429: {
			items: size.early429Items,
			withMs: m('flowiqEarly429', 'wallMs'),
			withoutMs: m('flowiqNo429', 'wallMs'),
			failed: worst('flowiqEarly429', 'failed'),
		},
		memory: {
			items: size.memoryItems,
			flowiqExtraMB: median(memory.flowiq.map((run) => run.extraMB)),
			httpExtraMB: median(memory.http.map((run) => run.extraMB)),
			flowiqRetainedMB: median(memory.flowiq.map((run) => run.retainedMB)),
			httpRetainedMB: median(memory.http.map((run) => run.retainedMB)),
			flowiqFailed: Math.max(...memory.flowiq.map((run) => run.items - run.ok)),
			httpFailed: Math.max(...memory.http.map((run) => run.items - run.ok)),
		},
		loadMs: { withWorkflow: median(loads.withWorkflow), cold: median(loads.cold) },
		phonesPerSecond: phones.perSecond,
	};
	// Ratios between nodes: the median of the ratios within each round, whose runs were minutes
	// apart at most, so a machine that gets busier or quieter during the bench moves both sides.
	const paired = (a, b, value) => median(runs[a].flatMap((run, r) => (runs[b][r] ? [value(run) / value(runs[b][r])] : [])));
	const perItem = (run) => run.wallMs / run.items;
	const cpuPerItem = (run) => run.cpuMs / run.items;
	s.flowiq.ratioToIdeal = s.flowiq.itemsPerSecond / ideal;
	s.flowiq.ratioToHttpBatched = paired('flowiq', 'httpBatched', (run) => run.itemsPerSecond);
	s.flowiq.ratioToRawHttp = paired('flowiq', 'rawHttp', (run) => run.itemsPerSecond);
	s.rawHttp.ratioToIdeal = s.rawHttp.itemsPerSecond / ideal;
	s.overhead.ratio = paired('flowiqZeroLatency', 'httpZeroLatency', perItem);
	s.overhead.cpuRatio = paired('flowiqZeroLatency', 'httpZeroLatency', cpuPerItem);
	s.rateLimited.ratioToLimit = s.rateLimited.flowiqItemsPerSecond / RATE_LIMIT;
	s.early429.lostMs = median(runs.flowiqEarly429.map((run, r) => run.wallMs - runs.flowiqNo429[r]?.wallMs));
	s.early429.ratio = paired('flowiqEarly429', 'flowiqNo429', (run) => run.wallMs);
	// What the 429 itself costs: its Retry-After, then a pace that must not hold the run back.
	const early429Budget = EARLY_429_RETRY_AFTER_S * 1000 + 1000;

	const pageSize = listPageSize();
	/** A Return All case against both ceilings, and the time it spent beyond its round trips. */
	const listing = (id, concurrency) => {
		const ceiling = returnAllCeiling({ contacts: size.listContacts, pageSize, concurrency, latencyMs: LATENCY_MS });
		const itemsPerSecond = m(id, 'itemsPerSecond');
		return {
			concurrency,
			...ceiling,
			itemsPerSecond,
			ratioToIdeal: itemsPerSecond / ceiling.plain,
			ratioToFirstPageIdeal: itemsPerSecond / ceiling.firstPageAlone,
			wallMs: m(id, 'wallMs'),
			beyondRoundTripsMs: median(runs[id].map((run) => run.wallMs - ceiling.roundTrips * LATENCY_MS)),
			// Where that time went (node cases only): before the first request, while requests
			// were out (beyond the round trips), after the last answer.
			beforeFirstRequestMs: m(id, 'beforeFirstRequestMs'),
			requestsBeyondRoundTripsMs: median(runs[id].map((run) => run.requestsMs - ceiling.roundTrips * LATENCY_MS)),
			afterLastAnswerMs: m(id, 'afterLastAnswerMs'),
			cpuUsPerContact: cpuUsPerItem(id),
			maxInFlight: worst(id, 'maxInFlight'),
			requests: worst(id, 'requests'),
		};
	};
	s.listAll = listing('listAll', MAX_CONCURRENCY);
	s.listRaw = listing('listAllRaw', MAX_CONCURRENCY);
	s.listAll.ratioToRaw = paired('listAll', 'listAllRaw', (run) => run.itemsPerSecond);
	s.listAllWide = listing('listAllWide', LIST_WIDE_CONCURRENCY);
	s.listAllWide.ratioToDefault = paired('listAllWide', 'listAll', (run) => run.itemsPerSecond);
	s.listAllWide.bestRatioToDefault = s.listAllWide.firstPageAlone / s.listAll.firstPageAlone;
	s.listZeroLatency = {
		wallMs: m('listAllZeroLatency', 'wallMs'),
		usPerContact: usPerItem('listAllZeroLatency'),
		cpuUsPerContact: cpuUsPerItem('listAllZeroLatency'),
		requests: worst('listAllZeroLatency', 'requests'),
	};
	const listMemory = (field) => median(memory.list.map((run) => run[field]));
	s.listMemory = {
		contacts: size.listContacts,
		extraMB: listMemory('extraMB'),
		peakHeapMB: listMemory('peakHeapMB'),
		retainedMB: listMemory('retainedMB'),
		kbPerContact: (listMemory('extraMB') * 1024) / size.listContacts,
		retainedBytesPerContact: (listMemory('retainedMB') * 1024 * 1024) / size.listContacts,
		jsonBytesPerContact: listMemory('outputJsonBytes'),
	};
	s.send = {
		items: size.limitedItems,
		itemsPerSecond: m('sendRateLimited', 'itemsPerSecond'),
		failed: worst('sendRateLimited', 'failed'),
		sentTwice: worst('sendRateLimited', 'sentTwice'),
		sentLogged: m('sendRateLimited', 'sentLogged'),
		rateLimited: m('sendRateLimited', 'rateLimited'),
		ratioToCreate: paired('sendRateLimited', 'flowiqRateLimited', (run) => run.itemsPerSecond),
	};
	s.send.ratioToLimit = s.send.itemsPerSecond / RATE_LIMIT;
	/** One arm of case 8: its medians, and its worst round for failed items. */
	const concurrentArm = (id) => ({
		itemsPerSecond: m(id, 'itemsPerSecond'),
		ratioToLimit: m(id, 'itemsPerSecond') / RATE_LIMIT,
		wallMs: m(id, 'wallMs'),
		failed: worst(id, 'failed'),
		rateLimited: m(id, 'rateLimited'),
		requests: m(id, 'requests'),
		maxInFlight: worst(id, 'maxInFlight'),
		loadMs: m(id, 'loadMs'),
	});
	s.concurrent = {
		executions: size.concurrentExecutions,
		shared: concurrentArm('concurrentShared'),
		independent: concurrentArm('concurrentIndependent'),
		// Within each round: shared over independent items/s, and independent over shared 429s.
		ratio: paired('concurrentShared', 'concurrentIndependent', (run) => run.itemsPerSecond),
		rateLimitedRatio: paired('concurrentIndependent', 'concurrentShared', (run) => run.rateLimited),
	};

	// `needs`: the parts (case ids or OTHER_PARTS) a target is measured by; a partial run leaves
	// out the targets it did not measure.
	const target = (id, needs, what, met, measured, missedBy) => ({ id, needs, what, met, measured, ...(met ? {} : { missedBy }) });
	const pct = (value) => `${fmt(value * 100)} %`;
	const targets = [
		target('1', ['flowiq'], '≥ 0.9 of ideal', s.flowiq.ratioToIdeal >= 0.9, `${fmt(s.flowiq.ratioToIdeal, 2)} of ideal`, pct(1 - s.flowiq.ratioToIdeal / 0.9)),
		target(
			'2',
			['flowiq', 'httpBatched'],
			'≥ HTTP Request at equal concurrency, ≤ Max Concurrency in flight',
			s.flowiq.ratioToHttpBatched >= 1 && s.flowiq.maxInFlight <= MAX_CONCURRENCY,
			`${fmt(s.flowiq.ratioToHttpBatched, 2)}× HTTP Request (batched), ${s.flowiq.maxInFlight} in flight`,
			s.flowiq.maxInFlight > MAX_CONCURRENCY ? `${s.flowiq.maxInFlight - MAX_CONCURRENCY} over the cap` : pct(1 - s.flowiq.ratioToHttpBatched),
		),
		target('3', ['flowiqZeroLatency', 'httpZeroLatency'], '≤ 1.5× HTTP Request per-item overhead', s.overhead.ratio <= 1.5, `${fmt(s.overhead.ratio, 2)}×`, pct(s.overhead.ratio / 1.5 - 1)),
		target(
			'4',
			['flowiqRateLimited'],
			`≥ 0.8 of R = ${RATE_LIMIT}/s, no failed items`,
			s.rateLimited.ratioToLimit >= 0.8 && s.rateLimited.flowiqFailed === 0,
			`${fmt(s.rateLimited.ratioToLimit, 2)} of R, ${s.rateLimited.flowiqFailed} failed`,
			s.rateLimited.flowiqFailed > 0 ? `${s.rateLimited.flowiqFailed} items failed` : pct(1 - s.rateLimited.ratioToLimit / 0.8),
		),
		target(
			'4b',
			['flowiqEarly429', 'flowiqNo429'],
			`≤ ${fmt(early429Budget)} ms lost (Retry-After + 1 s), 0 failed`,
			s.early429.lostMs <= early429Budget && s.early429.failed === 0,
			`${fmt(s.early429.lostMs)} ms lost, ${s.early429.failed} failed`,
			s.early429.failed > 0 ? `${s.early429.failed} items failed` : `${fmt(s.early429.lostMs - early429Budget)} ms`,
		),
		target('5a', ['memory'], `< 150 MB extra for ${fmt(size.memoryItems)} items`, s.memory.flowiqExtraMB < 150, `${fmt(s.memory.flowiqExtraMB, 1)} MB`, pct(s.memory.flowiqExtraMB / 150 - 1)),
		target('5b', ['phones'], '≥ 50,000 numbers/s', s.phonesPerSecond >= 50000, `${fmt(s.phonesPerSecond)}/s`, pct(1 - s.phonesPerSecond / 50000)),
		target('5c', ['load'], '< 100 ms module load', s.loadMs.withWorkflow < 100, `${fmt(s.loadMs.withWorkflow, 1)} ms`, pct(s.loadMs.withWorkflow / 100 - 1)),
		target(
			'6a',
			['listAll'],
			'≥ 0.8 of ideal',
			s.listAll.ratioToIdeal >= 0.8,
			`${fmt(s.listAll.ratioToIdeal, 2)} of ideal, ${fmt(s.listAll.ratioToFirstPageIdeal, 2)} of the ideal with the first page alone`,
			pct(1 - s.listAll.ratioToIdeal / 0.8),
		),
		target(
			'7',
			['sendRateLimited'],
			`≥ 0.8 of R = ${RATE_LIMIT}/s, no failed items, none sent twice`,
			s.send.ratioToLimit >= 0.8 && s.send.failed === 0 && s.send.sentTwice === 0,
			`${fmt(s.send.ratioToLimit, 2)} of R, ${s.send.failed} failed, ${s.send.sentTwice} sent twice`,
			s.send.failed > 0 || s.send.sentTwice > 0
				? `${s.send.failed} items failed, ${s.send.sentTwice} sent twice`
				: pct(1 - s.send.ratioToLimit / 0.8),
		),
		target(
			'8',
			['concurrentShared'],
			`≥ 0.8 of R = ${RATE_LIMIT}/s, no failed items`,
			s.concurrent.shared.ratioToLimit >= 0.8 && s.concurrent.shared.failed === 0,
			`${fmt(s.concurrent.shared.ratioToLimit, 2)} of R, ${s.concurrent.shared.failed} failed`,
			s.concurrent.shared.failed > 0 ? `${s.concurrent.shared.failed} items failed` : pct(1 - s.concurrent.shared.ratioToLimit / 0.8),
		),
	];
	s.targets = targets.filter(({ needs }) => needs.every((part) => parts.includes(part)));
	return s;
}

function toMarkdown({ machine, settings, summary: s, generatedAt, command, benchSeconds }) {
	const { sizes } = settings;
	const perSec = (value) => `${fmt(value, 1)} items/s`;
	const met = (id) => {
		const t = s.targets.find((candidate) => candidate.id === id);
		if (!t) return ''; // not measured in this (partial) run: the row is left out too
		return t.met ? '✅ met' : `❌ missed by ${t.missedBy}`;
	};
	const { listAll, listRaw, listAllWide, listZeroLatency, listMemory, send, concurrent } = s;
	/** One arm of case 8 (see concurrentRunsCase). */
	const concurrentRuns = (arm) =>
		`${perSec(arm.itemsPerSecond)} = **${fmt(arm.ratioToLimit, 2)}** of R, **${fmt(arm.failed)}** failed, ${fmt(arm.rateLimited)} × 429 ` +
		`(${fmt(arm.requests)} requests, ≤ ${fmt(arm.maxInFlight)} in flight)`;
	/** A Return All case's rate against both ideals (see returnAllCeiling). */
	const listed = (list) =>
		`${perSec(list.itemsPerSecond)} = **${fmt(list.ratioToIdeal, 2)}** of ideal ${fmt(list.plain)}/s (${list.concurrency} × ${list.pageSize} / ${LATENCY_MS} ms); ` +
		`**${fmt(list.ratioToFirstPageIdeal, 2)}** of ${fmt(list.firstPageAlone)}/s, the ideal with the first page read alone (${list.roundTrips} round trips, not ${list.plainRoundTrips}); ` +
		`${fmt(list.requests)} requests, ≤ ${list.maxInFlight} in flight; ${fmt(list.beyondRoundTripsMs)} ms beyond the round trips: ` +
		`${fmt(list.beforeFirstRequestMs)} before the first request, ${fmt(list.requestsBeyondRoundTripsMs)} while requests were out, ${fmt(list.afterLastAnswerMs)} after the last answer`;
	// Each row starts with the parts it is measured by (case ids or OTHER_PARTS), then its cells.
	const rows = [
		[[], 'Measure', 'FlowIQ node', 'HTTP Request node', 'Target', 'Result'],
		[
			['flowiq', 'rawHttp'],
			`1. ${fmt(sizes.items)} items, ${LATENCY_MS} ms latency, default options`,
			`${perSec(s.flowiq.itemsPerSecond)} = **${fmt(s.flowiq.ratioToIdeal, 2)}** of ideal ${fmt(s.ideal)}/s (${MAX_CONCURRENCY} / ${LATENCY_MS} ms)`,
			`(reference without n8n: plain Node \`http\`, ${MAX_CONCURRENCY} in flight: ${perSec(s.rawHttp.itemsPerSecond)} = ${fmt(s.rawHttp.ratioToIdeal, 2)} of ideal; FlowIQ node = ${fmt(s.flowiq.ratioToRawHttp, 2)} of it)`,
			'≥ 0.9 of ideal',
			met('1'),
		],
		[
			['httpDefaults'],
			'2a. Same workload, HTTP Request defaults',
			'',
			`${perSec(s.httpDefaults.itemsPerSecond)}, **${fmt(s.httpDefaults.maxInFlight)}** in flight`,
			'(context: floods the API)',
			'',
		],
		[
			['flowiq', 'httpBatched'],
			`2b. Same workload, HTTP Request batching ${MAX_CONCURRENCY} items / ${LATENCY_MS} ms`,
			`${perSec(s.flowiq.itemsPerSecond)}, **${s.flowiq.maxInFlight}** in flight = **${fmt(s.flowiq.ratioToHttpBatched, 2)}×** HTTP Request`,
			`${perSec(s.httpBatched.itemsPerSecond)}, **${s.httpBatched.maxInFlight}** in flight`,
			`≥ HTTP Request, ≤ ${MAX_CONCURRENCY} in flight`,
			met('2'),
		],
		[
			['flowiqZeroLatency', 'httpZeroLatency'],
			`3. Per-item overhead, 0 ms latency (${fmt(sizes.overheadItems)} items; n8n process CPU in brackets)`,
			`${fmt(s.overhead.flowiqUs)} µs (CPU ${fmt(s.overhead.flowiqCpuUs)} µs), ≤ ${s.overhead.flowiqMaxInFlight} in flight`,
			`${fmt(s.overhead.httpUs)} µs (CPU ${fmt(s.overhead.httpCpuUs)} µs), ≤ ${fmt(s.overhead.httpMaxInFlight)} in flight`,
			'≤ 1.5× HTTP Request',
			`${met('3')}: **${fmt(s.overhead.ratio, 2)}×** (CPU ${fmt(s.overhead.cpuRatio, 2)}×)`,
		],
		[
			['flowiqRateLimited', 'httpRateLimited'],
			`4. Rate limit R = ${RATE_LIMIT}/s, ${LATENCY_MS} ms latency, ${fmt(s.rateLimited.items)} items`,
			`${perSec(s.rateLimited.flowiqItemsPerSecond)} = **${fmt(s.rateLimited.ratioToLimit, 2)}** of R, **${s.rateLimited.flowiqFailed}** failed, ${fmt(s.rateLimited.flowiq429)} × 429`,
			`defaults: **${fmt(s.rateLimited.httpFailed)}** of ${fmt(s.rateLimited.items)} failed, ${fmt(s.rateLimited.http429)} × 429`,
			'≥ 0.8 of R, 0 failed',
			met('4'),
		],
		[
			['flowiqEarly429', 'flowiqNo429'],
			`4b. One 429 (Retry-After ${EARLY_429_RETRY_AFTER_S} s) as the first answer, ${EARLY_429_LATENCY_MS} ms latency, ${fmt(s.early429.items)} items`,
			`${fmt(s.early429.withMs)} ms against ${fmt(s.early429.withoutMs)} ms without the 429: **${fmt(s.early429.lostMs)} ms** lost (${fmt(s.early429.ratio, 2)}×)`,
			'',
			`≤ Retry-After + 1 s lost, 0 failed`,
			met('4b'),
		],
		[
			['memory'],
			`5a. Peak memory, ${fmt(s.memory.items)} items (RSS over baseline, 0 ms latency)`,
			`+${fmt(s.memory.flowiqExtraMB, 1)} MB (heap still held after GC: +${fmt(s.memory.flowiqRetainedMB, 1)} MB)`,
			`+${fmt(s.memory.httpExtraMB, 1)} MB (heap after GC: +${fmt(s.memory.httpRetainedMB, 1)} MB; defaults${s.memory.httpFailed ? `, ${s.memory.httpFailed} failed` : ''})`,
			'< 150 MB',
			met('5a'),
		],
		[['phones'], '5b. Phone normalisation (cleanPhone, varied input)', `${fmt(s.phonesPerSecond)} numbers/s`, '', '≥ 50,000/s', met('5b')],
		[
			['load'],
			'5c. Load the built nodes/FlowIq/FlowIq.node.js (fresh process, median)',
			`${fmt(s.loadMs.withWorkflow, 1)} ms with n8n-workflow already loaded (as in n8n); ${fmt(s.loadMs.cold, 1)} ms cold`,
			'',
			'< 100 ms',
			met('5c'),
		],
		[
			['listAll', 'listAllRaw'],
			`6a. Contact → Get Many, Return All over ${fmt(sizes.listContacts)} contacts (${listAll.pages} pages), ${LATENCY_MS} ms latency, default options`,
			listed(listAll),
			`(reference without n8n: the node's page schedule over plain Node \`http\`: ${perSec(listRaw.itemsPerSecond)} = ${fmt(listRaw.ratioToIdeal, 2)} of ideal, ` +
				`${fmt(listRaw.ratioToFirstPageIdeal, 2)} with the first page alone, ${fmt(listRaw.beyondRoundTripsMs)} ms beyond the round trips; FlowIQ node = ${fmt(listAll.ratioToRaw, 2)} of it)`,
			'≥ 0.8 of ideal',
			met('6a'),
		],
		[
			['listAll', 'listAllWide'],
			`6b. Same, Max Concurrency ${LIST_WIDE_CONCURRENCY}`,
			`${listed(listAllWide)}; = **${fmt(listAllWide.ratioToDefault, 2)}×** Max Concurrency ${MAX_CONCURRENCY} (${fmt(listAllWide.bestRatioToDefault, 2)}× at best)`,
			'',
			'(context: scaling)',
			'',
		],
		[
			['listAllZeroLatency'],
			'6c. Same as 6a at 0 ms latency (n8n process CPU in brackets)',
			`${fmt(listZeroLatency.wallMs)} ms = ${fmt(listZeroLatency.usPerContact, 1)} µs per contact (CPU ${fmt(listZeroLatency.cpuUsPerContact, 1)} µs), ${fmt(listZeroLatency.requests)} requests`,
			'',
			'(context: cost beyond the network)',
			'',
		],
		[
			['listMemory'],
			`6d. Peak memory, Return All over ${fmt(listMemory.contacts)} contacts (RSS over baseline, 0 ms latency)`,
			`+${fmt(listMemory.extraMB, 1)} MB = ${fmt(listMemory.kbPerContact, 1)} KB per contact (peak heap +${fmt(listMemory.peakHeapMB, 1)} MB; heap still held after GC: ` +
				`+${fmt(listMemory.retainedMB, 1)} MB = ${fmt(listMemory.retainedBytesPerContact)} bytes per contact; a contact is ${fmt(listMemory.jsonBytesPerContact)} bytes as JSON)`,
			'',
			'(context)',
			'',
		],
		[
			['sendRateLimited', 'flowiqRateLimited'],
			`7. Message → Send, text to ${fmt(send.items)} existing contacts, R = ${RATE_LIMIT}/s, ${LATENCY_MS} ms latency`,
			`${fmt(send.itemsPerSecond, 1)} sends/s = **${fmt(send.ratioToLimit, 2)}** of R, **${send.failed}** failed, **${send.sentTwice}** sent twice ` +
				`(${fmt(send.sentLogged)} in the sandbox's sent log), ${fmt(send.rateLimited)} × 429; = **${fmt(send.ratioToCreate, 2)}×** Contact → Create in case 4`,
			'',
			'≥ 0.8 of R, 0 failed, none sent twice',
			met('7'),
		],
		[
			['concurrentShared'],
			`8. ${fmt(concurrent.executions)} executions of Contact → Create, one lead each, all started at once, R = ${RATE_LIMIT}/s, ${LATENCY_MS} ms latency: one pace shared`,
			concurrentRuns(concurrent.shared),
			'',
			'≥ 0.8 of R, 0 failed',
			met('8'),
		],
		[
			['concurrentShared', 'concurrentIndependent'],
			'8b. Same, each execution with its own pace (a separate copy of the node per execution, as before the pace was shared)',
			`${concurrentRuns(concurrent.independent)}; shared = **${fmt(concurrent.ratio, 2)}×** its items/s, with ` +
				(Number.isFinite(concurrent.rateLimitedRatio) ? `**${fmt(concurrent.rateLimitedRatio, 1)}×** fewer 429s` : `${fmt(concurrent.shared.rateLimited)} × 429`),
			'',
			'(context: before the pace was shared)',
			'',
		],
	];
	const table = rows
		.filter(([needs]) => needs.every((part) => settings.parts.includes(part)))
		.map(([, ...cells]) => `| ${cells.join(' | ')} |`);
	table.splice(1, 0, `|${' --- |'.repeat(rows[0].length - 1)}`);
	return [
		`Measured ${generatedAt.slice(0, 10)} with \`${command}\` on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB RAM, ` +
			`${machine.os}, Node ${machine.node}; n8n ${machine.n8n} (n8n-core ${machine.n8nCore}, n8n-workflow ${machine.n8nWorkflow}, ` +
			`n8n-nodes-base ${machine.n8nNodesBase}, HTTP Request v${settings.httpRequestVersion}). ` +
			`Median of ${settings.rounds} round(s); load average (1/5/15 min) ${machine.loadAverageAtStart.join(' / ')} at start, ` +
			`${machine.loadAverageAtEnd.join(' / ')} at end; bench took ${benchSeconds} s.`,
		'',
		...table,
		'',
		`- Every run goes through n8n-core's \`WorkflowExecute\` (scripts/engine.ts) against the local sandbox, which runs in its own process and is reset before each run. ` +
			`HTTP Request v${settings.httpRequestVersion} sends \`POST /contact\` with a JSON body built from expressions and the \`flowIqApi\` credential as a predefined credential type.`,
		`- Figures are medians over rounds run in a rotating order; ratios between two cases are medians of the ratios within each round. In flight: the most \`/contact\` requests the sandbox held at once (worst round).`,
		`- HTTP Request batching sends ${MAX_CONCURRENCY} requests every ${LATENCY_MS} ms without waiting for answers, so it can hold more than ${MAX_CONCURRENCY} in flight; with its defaults it sends every item at once.`,
		`- Case 4: the sandbox admits ${RATE_LIMIT} requests in any sliding second and answers the rest 429 with \`Retry-After: 1\`; FlowIQ runs with "Continue (using error output)" so failed items are counted, HTTP Request with "Continue".`,
		`- Case 4b: the sandbox answers the run's very first request 429 with \`Retry-After: ${EARLY_429_RETRY_AFTER_S}\`; "lost" is the median, over the rounds, of the run's time less that of the same run without the 429 in the same round.`,
		`- Case 5a: kernel peak RSS (VmHWM) of a fresh process over its RSS after a warm-up run, 0 ms latency, default options; "heap after GC" is what remains with the run's output still referenced.`,
		`- Case 6: the sandbox holds exactly ${fmt(sizes.listContacts)} contacts; the node reads page 1 alone (it says how many pages there are), then up to Max Concurrency pages at a time. ` +
			`Ideal: Max Concurrency × page size / latency. "Beyond the round trips": the run's time less its round trips × ${LATENCY_MS} ms. ` +
			`Every run is checked to list each of the sandbox's contacts exactly once, in order; a shorter or different list stops the bench. Case 6d is measured like 5a.`,
		`- Case 7: one text message to each of ${fmt(send.items)} contacts the sandbox holds, under case 4's limit and with its "Continue (using error output)"; ` +
			`"sent twice": recipients the sandbox's sent log shows more than once. The ratio to Contact → Create is the median of the per-round ratios to case 4's ${fmt(s.rateLimited.items)} items.`,
		`- Case 8: ${fmt(concurrent.executions)} \`runNode\` calls started together (Promise.all), one fresh lead each, default options, "Continue (using error output)", under case 4's limit; ` +
			`items/s is ${fmt(concurrent.executions)} over the time until the last execution ended. 8b gives each execution a separate copy of the built node (the require cache of its ` +
			`files cleared before each require, so each has its own \`transport/sharedPace.js\`), as separate processes would, loaded before the clock starts. ` +
			`Every run is checked to put each lead on exactly one output and to leave at most one contact per number in the sandbox (one for each lead reported Created or Duplicate); ` +
			`otherwise the bench stops. Ratios are medians of the per-round ratios of the two arms.`,
		'',
	].join('\n');
}

main().catch((error) => {
	process.stderr.write(`${error.stack ?? error}\n`);
	process.exit(1);
});
