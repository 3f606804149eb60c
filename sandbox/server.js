'use strict';
/**
 * A local stand-in for the FlowIQ API (https://api.flowiq.live), for tests, the demo and the
 * n8n end-to-end runs. It implements the documented contract (shared/flowiq-api/create-contact.md
 * plus later-additions.md) for POST /contact and GET /contact, and can misbehave on purpose:
 * latency, a rate limit, scripted faults and seeded random faults. Node 20 standard library only.
 *
 *   const { startSandbox } = require('./server');
 *   const sandbox = await startSandbox({ quiet: true });   // port 0 -> ephemeral port
 *   await fetch(`${sandbox.url}/contact`, ...);
 *   await sandbox.close();
 *
 * Request pipeline for API routes (everything outside /__sandbox/):
 *   1. arrival: count the request; on /contact take the next fault (scripted queue first, then the
 *      seeded random roll). Taking it on arrival keeps "the next N requests" in arrival order even
 *      when latency jitter reorders the answers.
 *   2. latency (latencyMs + random jitter), simulating the network.
 *   3. a 'before' fault answers now; nothing is processed.
 *   4. rate limit (global, sliding 1-second window; see checkRateLimit).
 *   5. auth + route handling produce a response.
 *   6. an 'after' fault replaces that response: the contact WAS created but the client never
 *      learns it, which is the case retries must survive without creating twice.
 */
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const fixtures = require('./fixtures');

// Only loopback: the sandbox accepts fixture keys anyone can read, so it must never be reachable
// from another machine.
const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 1024 * 1024;
const CONTROL_PREFIX = '/__sandbox/';

/** Faults random injection picks from when `faults.kinds` is not given. */
const DEFAULT_RANDOM_FAULT_KINDS = Object.freeze([
	{ status: 429, retryAfter: 1 },
	{ status: 500 },
	{ status: 502 },
	{ status: 503 },
	{ status: 504 },
	{ kind: 'drop' },
	{ kind: 'slow', delayMs: 250 },
]);

const DEFAULT_SLOW_DELAY_MS = 1000;

/** JSON bodies the injected status faults answer with (shape of the API's own error bodies). */
const FAULT_BODIES = {
	429: { error: 'Too many requests', message: 'Rate limit exceeded' },
	500: { error: 'Internal server error', message: 'Failed to create contact' },
	502: { error: 'Bad gateway', message: 'The upstream server returned an invalid response' },
	503: { error: 'Service unavailable', message: 'The service is temporarily unavailable' },
	504: { error: 'Gateway timeout', message: 'The upstream server did not respond in time' },
};

// ---------------------------------------------------------------------------------------------
// Small pure helpers

/** mulberry32: a tiny seeded PRNG, so a fault run with the same seed replays exactly. */
function mulberry32(seed) {
	let state = seed >>> 0;
	return function next() {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function digitsOf(value) {
	return String(value).replace(/\D/g, '');
}

/** Tags arrive as "a, b, ,c" (documented) and are stored as ["a","b","c"]; arrays are tolerated. */
function parseTags(tags) {
	if (tags === undefined || tags === null) return [];
	const parts = Array.isArray(tags) ? tags.map(String) : String(tags).split(',');
	return parts.map((tag) => tag.trim()).filter((tag) => tag.length > 0);
}

/**
 * Anything that looks like a key is cut out of log lines, so a key passed by mistake in a query
 * string (?apiKey=fiq_...) never reaches a log file either.
 */
function redactKeys(text) {
	return text.replace(/fiq_[^\s&#/?]*/gi, 'fiq_[redacted]');
}

function isPlainObject(value) {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegativeNumber(value) {
	return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function errorResult(status, error, message, extra = {}) {
	const body = { success: false, error };
	if (message !== undefined) body.message = message;
	return { status, body: { ...body, ...extra } };
}

// ---------------------------------------------------------------------------------------------
// Options and faults

/**
 * Validates one fault description and returns its normal form:
 *   { kind: 'status', status, retryAfter?, retryAfterDate?, html?, echo?, phase? }
 *   { kind: 'drop', phase? }
 *   { kind: 'slow', delayMs, phase? }
 *   { kind: 'redirect', status, location, phase? }   a 3xx pointing elsewhere
 *   { kind: 'drip', delayMs, phase: 'after' }        the real answer, one byte at a time over delayMs
 * `echo` makes the answer repeat the request's Authorization header, as a careless server or a
 * proxy dumping request headers would. `phase` stays undefined when not given: failNext defaults
 * it to 'before', random injection picks it at random.
 */
function normalizeFault(input) {
	if (!isPlainObject(input)) throw new TypeError('fault must be an object');
	const phase = input.phase;
	if (phase !== undefined && phase !== 'before' && phase !== 'after') {
		throw new TypeError(`fault.phase must be 'before' or 'after', got ${JSON.stringify(phase)}`);
	}
	if (input.kind === 'drop') return { kind: 'drop', phase };
	if (input.kind === 'redirect') {
		if (![301, 302, 303, 307, 308].includes(input.status)) throw new TypeError('fault.status must be 301, 302, 303, 307 or 308');
		if (typeof input.location !== 'string' || !input.location) throw new TypeError('fault.location must be a URL');
		return { kind: 'redirect', status: input.status, location: input.location, phase };
	}
	if (input.kind === 'drip') {
		if (!isNonNegativeNumber(input.delayMs)) throw new TypeError('fault.delayMs must be a number >= 0');
		// Only a processed request has an answer to drip.
		return { kind: 'drip', delayMs: input.delayMs, phase: 'after' };
	}
	if (input.kind === 'slow') {
		const delayMs = input.delayMs === undefined ? DEFAULT_SLOW_DELAY_MS : input.delayMs;
		if (!isNonNegativeNumber(delayMs)) throw new TypeError('fault.delayMs must be a number >= 0');
		return { kind: 'slow', delayMs, phase };
	}
	if (input.kind !== undefined && input.kind !== 'status') {
		throw new TypeError(`unknown fault kind ${JSON.stringify(input.kind)}`);
	}
	const status = input.status;
	if (!Number.isInteger(status) || status < 400 || status > 599) {
		throw new TypeError('fault needs kind "drop" or "slow", or an HTTP error status (400-599)');
	}
	const fault = { kind: 'status', status, phase };
	if (input.retryAfter !== undefined) {
		if (!isNonNegativeNumber(input.retryAfter)) {
			throw new TypeError('fault.retryAfter must be a number of seconds >= 0');
		}
		fault.retryAfter = input.retryAfter;
	}
	if (input.retryAfterDate) {
		fault.retryAfterDate = true;
		if (fault.retryAfter === undefined) fault.retryAfter = 1;
	}
	// Real gateways answer 502/504 with an HTML page; this lets tests check non-JSON error bodies.
	if (input.html) fault.html = true;
	if (input.echo) fault.echo = true;
	return fault;
}

/** The name a fault is counted under in stats().faultsInjected and shown as in the log. */
function faultLabel(fault) {
	if (fault.kind === 'status') return String(fault.status) + (fault.echo ? '+echo' : '');
	return fault.kind === 'redirect' ? `redirect ${fault.status}` : fault.kind;
}

function normalizeRandomFaults(input) {
	if (input === null || input === undefined || input === false) return null;
	if (!isPlainObject(input)) throw new TypeError('faults must be an object or null');
	const seed = input.seed === undefined ? 1 : input.seed;
	if (!Number.isInteger(seed)) throw new TypeError('faults.seed must be an integer');
	const rate = input.rate === undefined ? 0 : input.rate;
	if (!isNonNegativeNumber(rate) || rate > 1) throw new TypeError('faults.rate must be between 0 and 1');
	const kinds = input.kinds === undefined ? DEFAULT_RANDOM_FAULT_KINDS : input.kinds;
	if (!Array.isArray(kinds) || kinds.length === 0) {
		throw new TypeError('faults.kinds must be a non-empty array of faults');
	}
	return { seed, rate, kinds: kinds.map(normalizeFault) };
}

const DEFAULT_OPTIONS = Object.freeze({
	latencyMs: 0,
	latencyJitterMs: 0,
	rateLimit: 0,
	requireName: true,
	faults: null,
	quiet: false,
});

/**
 * Merges a partial options object into the current ones, validating as it goes, so a typo in
 * a test fails loudly instead of silently running without the fault it meant to inject.
 * `faults` merges one level deep: configure({ faults: { rate: 0.5 } }) keeps the seed and kinds.
 */
function mergeOptions(current, partial) {
	if (!isPlainObject(partial)) throw new TypeError('options must be an object');
	const next = { ...current };
	for (const name of ['latencyMs', 'latencyJitterMs', 'rateLimit']) {
		if (partial[name] === undefined) continue;
		if (!isNonNegativeNumber(partial[name])) throw new TypeError(`${name} must be a number >= 0`);
		next[name] = partial[name];
	}
	for (const name of ['requireName', 'quiet']) {
		if (partial[name] === undefined) continue;
		if (typeof partial[name] !== 'boolean') throw new TypeError(`${name} must be a boolean`);
		next[name] = partial[name];
	}
	if (partial.faults !== undefined) {
		next.faults =
			partial.faults === null || partial.faults === false
				? null
				: normalizeRandomFaults({ ...(current.faults || {}), ...partial.faults });
	}
	if (partial.log !== undefined) {
		if (typeof partial.log !== 'function') throw new TypeError('log must be a function');
		next.log = partial.log;
	}
	return next;
}

// ---------------------------------------------------------------------------------------------
// Auth (pure: depends only on the fixtures, so it can run on arrival to label the log line)

/**
 * Resolves the caller the way the API documents it. Returns
 *   { org, logLabel }                        when the key is good (and matches tenantId if given)
 *   { failure: {status, body}, logLabel }    otherwise.
 * logLabel is what the log shows instead of the key: `org=acme`, `key=unknown`, ...
 */
function authenticate(authorizationHeader, tenantId) {
	const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorizationHeader || '');
	if (!match) {
		return {
			logLabel: 'key=missing',
			failure: errorResult(
				401,
				'Invalid or missing API key',
				'Authorization header with a Bearer API key is required',
			),
		};
	}
	const token = match[1];
	if (!token.startsWith('fiq_')) {
		return {
			logLabel: 'key=invalid-format',
			failure: errorResult(401, 'Invalid token format', 'Bearer token must be an API key (fiq_...)'),
		};
	}
	const record = Object.prototype.hasOwnProperty.call(fixtures.API_KEYS, token)
		? fixtures.API_KEYS[token]
		: undefined;
	if (!record) {
		return { logLabel: 'key=unknown', failure: errorResult(401, 'Invalid API key', 'API key not found') };
	}
	if (record.revoked) {
		return {
			logLabel: 'key=revoked',
			failure: errorResult(401, 'Invalid API key', 'API key has been revoked'),
		};
	}
	const org = Object.values(fixtures.ORGS).find((candidate) => candidate.id === record.orgId);
	if (!org) {
		return {
			logLabel: 'key=deleted-org',
			failure: errorResult(404, 'Organization not found', 'Organization not found for API key'),
		};
	}
	if (tenantId !== null && tenantId !== undefined) {
		const tenantOrg = Object.values(fixtures.ORGS).find((candidate) => candidate.tenantId === tenantId);
		if (!tenantOrg) {
			return {
				logLabel: `org=${org.name}`,
				failure: errorResult(404, 'Organization not found', `Organization not found for tenant ${tenantId}`),
			};
		}
		if (tenantOrg.id !== org.id) {
			return {
				logLabel: `org=${org.name}`,
				failure: errorResult(401, 'API key mismatch', 'API key does not belong to the specified organization'),
			};
		}
	}
	return { org, logLabel: `org=${org.name}` };
}

// ---------------------------------------------------------------------------------------------
// Contact store

function seededStore() {
	const store = new Map();
	for (const org of Object.values(fixtures.ORGS)) {
		const contacts = new Map();
		for (const seed of fixtures.SEED_CONTACTS[org.name] || []) {
			contacts.set(seed.whatsapp_id, structuredClone(seed));
		}
		store.set(org.name, contacts);
	}
	return store;
}

/** The create response lists fewer fields than the stored record (and GET) carries. */
function createResponseContact(contact) {
	const { contact_summary, contact_summary_updated_at, ...shown } = contact; // eslint-disable-line no-unused-vars
	return structuredClone(shown);
}

// ---------------------------------------------------------------------------------------------
// Request body

function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				const error = new Error('body too large');
				error.code = 'BODY_TOO_LARGE';
				reject(error);
				req.removeAllListeners('data');
				req.resume();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

// ---------------------------------------------------------------------------------------------
// The sandbox

/**
 * Starts a sandbox on 127.0.0.1.
 * @param {object} [options]
 * @param {number} [options.port=0]            0 picks a free port (see sandbox.url)
 * @param {number} [options.latencyMs=0]       added before answering every API request
 * @param {number} [options.latencyJitterMs=0] plus a uniform random 0..jitter ms
 * @param {number} [options.rateLimit=0]       API requests per second, 0 = off
 * @param {boolean} [options.requireName=true] false simulates the later revision (name optional)
 * @param {object|null} [options.faults]       { seed, rate, kinds } seeded random faults
 * @param {(line: string) => void} [options.log] one line per request; default stdout
 * @param {boolean} [options.quiet=false]      no request log at all
 * @returns {Promise<Sandbox>}
 */
function startSandbox(options = {}) {
	const { port = 0, ...rest } = options;
	let config = mergeOptions({ ...DEFAULT_OPTIONS }, rest);
	let random = mulberry32(config.faults ? config.faults.seed : 1);
	let store = seededStore();
	let faultQueue = [];
	let stats = emptyStats();
	let admitted = []; // arrival times of requests the rate limiter let through (sliding window)
	let closed = false;
	const timers = new Set();

	function emptyStats() {
		return {
			requests: 0,
			byStatus: {},
			dropped: 0,
			rateLimited: 0,
			inFlight: 0,
			maxInFlight: 0,
			faultsInjected: {},
		};
	}

	/** setTimeout that close() can cancel, so a slow fault never keeps jest alive. */
	function sleep(ms) {
		if (!(ms > 0)) return Promise.resolve();
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				timers.delete(timer);
				resolve();
			}, ms);
			timers.add(timer);
		});
	}

	function writeLog(line) {
		if (config.quiet) return;
		const safe = redactKeys(line);
		if (config.log) config.log(safe);
		else process.stdout.write(`${safe}\n`);
	}

	function takeFault() {
		if (faultQueue.length > 0) return faultQueue.shift();
		const randomFaults = config.faults;
		if (!randomFaults || randomFaults.rate <= 0) return null;
		// Always draw the same number of values per request so the sequence depends only on the
		// seed and the number of /contact requests, not on which kinds were configured.
		const inject = random();
		const which = random();
		const phaseRoll = random();
		if (inject >= randomFaults.rate) return null;
		const kind = randomFaults.kinds[Math.floor(which * randomFaults.kinds.length)];
		return { ...kind, phase: kind.phase || (phaseRoll < 0.5 ? 'before' : 'after') };
	}

	/**
	 * Sliding 1-second window over the requests admitted so far, global across keys: at most
	 * `rateLimit` requests in any 1000 ms. Rejected requests do not count. Retry-After is the
	 * time until the oldest admitted request leaves the window, rounded up to whole seconds
	 * (so with a 1-second window it is always 1).
	 */
	function checkRateLimit(now) {
		if (!(config.rateLimit > 0)) return null;
		while (admitted.length > 0 && now - admitted[0] >= 1000) admitted.shift();
		if (admitted.length >= config.rateLimit) {
			const waitMs = admitted[0] + 1000 - now;
			return {
				...errorResult(429, 'Too many requests', 'Rate limit exceeded'),
				headers: { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) },
			};
		}
		admitted.push(now);
		return null;
	}

	function send(res, result) {
		if (res.headersSent || res.destroyed) return;
		const headers = { ...(result.headers || {}) };
		let payload;
		if (typeof result.body === 'string') {
			payload = result.body;
			headers['Content-Type'] = headers['Content-Type'] || 'text/plain; charset=utf-8';
		} else {
			payload = JSON.stringify(result.body);
			headers['Content-Type'] = 'application/json; charset=utf-8';
		}
		headers['Content-Length'] = Buffer.byteLength(payload);
		res.writeHead(result.status, headers);
		res.end(payload);
	}

	function faultResult(fault, req) {
		if (fault.kind === 'redirect') {
			return { status: fault.status, headers: { Location: fault.location }, body: { error: 'Moved', message: `See ${fault.location}` } };
		}
		const headers = {};
		if (fault.status === 429 && fault.retryAfter !== undefined) {
			headers['Retry-After'] = fault.retryAfterDate
				? new Date(Date.now() + fault.retryAfter * 1000).toUTCString()
				: String(Math.ceil(fault.retryAfter));
		}
		if (fault.html) {
			const dump = fault.echo
				? `<pre>${Object.entries(req.headers).map(([name, value]) => `${name}: ${value}`).join('\n')}</pre>`
				: '';
			return {
				status: fault.status,
				headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' },
				body: `<html><head><title>${fault.status}</title></head><body><h1>${fault.status}</h1>${dump}</body></html>`,
			};
		}
		const { error, message } = FAULT_BODIES[fault.status] || { error: 'Injected fault', message: `Sandbox fault ${fault.status}` };
		const echo = fault.echo ? `; request had Authorization: ${req.headers.authorization}` : '';
		return { status: fault.status, headers, body: { success: false, error, message: `${message}${echo}` } };
	}

	// --- API routes ----------------------------------------------------------------------------

	async function handleApi(req, url, auth) {
		if (url.pathname !== '/contact') return errorResult(404, 'Not found');
		if (req.method !== 'GET' && req.method !== 'POST') {
			return { ...errorResult(405, 'Method not allowed', `${req.method} is not supported on /contact`), headers: { Allow: 'GET, POST' } };
		}
		if (auth.failure) return auth.failure;
		return req.method === 'POST' ? createContact(req, auth.org) : getContact(url, auth.org);
	}

	async function createContact(req, org) {
		let raw;
		try {
			raw = await readBody(req);
		} catch (error) {
			if (error.code === 'BODY_TOO_LARGE') return errorResult(413, 'Payload too large', 'Request body is limited to 1 MB');
			throw error;
		}
		let input;
		try {
			input = JSON.parse(raw);
		} catch {
			return errorResult(400, 'Invalid request body', 'Request body must be valid JSON');
		}
		if (!isPlainObject(input)) return errorResult(400, 'Invalid request body', 'Request body must be a JSON object');

		const phone = input.phone_number;
		if (phone === undefined || phone === null || String(phone).trim() === '') {
			return errorResult(400, 'Missing required field', 'phone_number is required');
		}
		const hasName = typeof input.name === 'string' ? input.name.trim() !== '' : input.name !== undefined && input.name !== null;
		if (!hasName && config.requireName) return errorResult(400, 'Missing required field', 'name is required');

		const whatsappId = typeof phone === 'string' || typeof phone === 'number' ? digitsOf(phone) : '';
		if (whatsappId.length < 10) {
			return errorResult(400, 'Invalid phone number', 'Phone number must include country code and be at least 10 digits');
		}
		if (!fixtures.isOnWhatsApp(whatsappId)) {
			return errorResult(400, 'Invalid WhatsApp number', 'The provided phone number is not registered on WhatsApp');
		}
		const contacts = store.get(org.name);
		const existing = contacts.get(whatsappId);
		if (existing) {
			return errorResult(409, 'Contact already exists', 'A contact with this phone number already exists', {
				existing_contact: { id: existing.id, full_name: existing.full_name, whatsapp_id: existing.whatsapp_id },
			});
		}

		const now = new Date().toISOString();
		const contact = {
			id: randomUUID(),
			full_name: hasName ? String(input.name) : null,
			whatsapp_id: whatsappId,
			phone_number: String(phone),
			email: input.email === undefined || input.email === null || input.email === '' ? null : String(input.email),
			tags: parseTags(input.tags),
			organization_id: org.id,
			...fixtures.CONTACT_DEFAULTS,
			source: { ...fixtures.CONTACT_DEFAULTS.source },
			created_at: now,
			updated_at: now,
		};
		// Check and insert happen in one synchronous step, so concurrent creates of the same
		// number cannot both succeed (the real API's unique index behaves the same way).
		contacts.set(whatsappId, contact);
		return {
			status: 201,
			body: { success: true, message: 'Contact created successfully', contact: createResponseContact(contact) },
		};
	}

	function getContact(url, org) {
		const phone = url.searchParams.get('phone_number');
		const whatsappId = url.searchParams.get('whatsapp_id');
		const query = phone || whatsappId;
		if (!query) return errorResult(400, 'Missing required field', 'phone_number or whatsapp_id is required');
		const contact = store.get(org.name).get(digitsOf(query));
		if (!contact) return errorResult(404, 'Contact not found', 'No contact with this phone number');
		return { status: 200, body: { success: true, contact: structuredClone(contact) } };
	}

	async function onApiRequest(req, res, url) {
		const started = performance.now();
		const isContactRoute = url.pathname === '/contact' && (req.method === 'GET' || req.method === 'POST');
		const auth = authenticate(req.headers.authorization, url.searchParams.get('tenantId'));
		const fault = isContactRoute ? takeFault() : null;
		let faultNote = '';
		let droppedBySandbox = false;

		stats.requests += 1;
		if (isContactRoute) {
			stats.inFlight += 1;
			stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
		}
		// 'close' fires both after a normal response and when the socket is destroyed, so it
		// is the one place where in-flight accounting and the log line cannot be skipped.
		res.once('close', () => {
			if (isContactRoute) stats.inFlight -= 1;
			let shown;
			if (res.writableFinished) {
				stats.byStatus[res.statusCode] = (stats.byStatus[res.statusCode] || 0) + 1;
				shown = String(res.statusCode);
			} else {
				if (droppedBySandbox) stats.dropped += 1;
				shown = droppedBySandbox ? 'dropped' : 'aborted';
			}
			const ms = Math.round(performance.now() - started);
			writeLog(`${req.method} ${url.pathname}${url.search} ${shown} ${ms}ms ${auth.logLabel}${faultNote}`);
		});

		/**
		 * Applies this request's fault if it belongs to `phase` ('before': nothing processed; 'after':
		 * processed, then the answer is lost or late). True when the request needs no further answer.
		 */
		async function applyFault(phase) {
			if (!fault || fault.phase !== phase) return false;
			faultNote = ` fault=${faultLabel(fault)}/${fault.phase}`;
			stats.faultsInjected[faultLabel(fault)] = (stats.faultsInjected[faultLabel(fault)] || 0) + 1;
			if (fault.kind === 'drop') {
				droppedBySandbox = true;
				req.socket.destroy();
				return true;
			}
			if (fault.kind === 'status' || fault.kind === 'redirect') {
				send(res, faultResult(fault, req));
				return true;
			}
			if (fault.kind === 'drip') return false; // the real answer follows, dripped
			await sleep(fault.delayMs); // 'slow': answered late, but answered
			return closed;
		}

		const jitter = config.latencyJitterMs > 0 ? Math.random() * config.latencyJitterMs : 0;
		await sleep(Math.round(config.latencyMs + jitter));
		if (closed) return;

		if (await applyFault('before')) return;

		const limited = checkRateLimit(Date.now());
		if (limited) {
			stats.rateLimited += 1;
			send(res, limited);
			return;
		}

		const result = await handleApi(req, url, auth);
		if (closed) return;

		if (await applyFault('after')) return;
		if (fault?.kind === 'drip') await drip(res, result, fault.delayMs);
		else send(res, result);
	}

	/** Sends `result` one byte at a time, spread over `delayMs`: never silent for long, never done early. */
	async function drip(res, result, delayMs) {
		const payload = Buffer.from(JSON.stringify(result.body));
		res.writeHead(result.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': payload.length });
		for (let byte = 0; byte < payload.length && !closed && !res.destroyed; byte++) {
			res.write(payload.subarray(byte, byte + 1));
			await sleep(delayMs / payload.length);
		}
		res.end();
	}

	// --- Control routes (no auth: for processes outside this one, e.g. the demo or n8n e2e) ----

	async function onControlRequest(req, res, url) {
		const started = performance.now();
		res.once('close', () => {
			const ms = Math.round(performance.now() - started);
			writeLog(`${req.method} ${url.pathname}${url.search} ${res.writableFinished ? res.statusCode : 'aborted'} ${ms}ms control`);
		});
		const route = `${req.method} ${url.pathname.slice(CONTROL_PREFIX.length)}`;
		const readJson = async () => {
			const raw = await readBody(req);
			return raw.trim() === '' ? {} : JSON.parse(raw);
		};
		try {
			switch (route) {
				case 'GET health':
					return send(res, { status: 200, body: { success: true, url: sandbox.url } });
				case 'GET stats':
					return send(res, { status: 200, body: sandbox.stats() });
				case 'GET contacts': {
					const org = url.searchParams.get('org') || 'acme';
					if (!store.has(org)) return send(res, errorResult(404, 'Organization not found', `No sandbox organisation ${org}`));
					return send(res, { status: 200, body: sandbox.contacts(org) });
				}
				case 'GET options':
					return send(res, { status: 200, body: sandbox.options() });
				case 'POST reset':
					sandbox.reset();
					return send(res, { status: 200, body: { success: true } });
				case 'POST reset-stats':
					sandbox.resetStats();
					return send(res, { status: 200, body: { success: true } });
				case 'POST configure': {
					const partial = await readJson();
					// Functions cannot travel over HTTP; the log target stays what the process chose.
					if (isPlainObject(partial)) delete partial.log;
					sandbox.configure(partial);
					return send(res, { status: 200, body: { success: true, options: sandbox.options() } });
				}
				case 'POST fail-next': {
					const input = await readJson();
					if (!isPlainObject(input)) throw new TypeError('body must be {"fault": {...}, "count": n}');
					const queued = sandbox.failNext(input.fault, input.count === undefined ? 1 : input.count);
					return send(res, { status: 200, body: { success: true, queued } });
				}
				default: {
					const known = ['health', 'stats', 'contacts', 'options', 'reset', 'reset-stats', 'configure', 'fail-next'];
					const name = url.pathname.slice(CONTROL_PREFIX.length);
					if (known.includes(name)) return send(res, errorResult(405, 'Method not allowed'));
					return send(res, errorResult(404, 'Not found'));
				}
			}
		} catch (error) {
			// Bad JSON or an invalid option/fault: tell the caller what was wrong.
			return send(res, errorResult(400, 'Invalid sandbox request', error.message));
		}
	}

	const server = http.createServer((req, res) => {
		let url;
		try {
			url = new URL(req.url, `http://${HOST}`);
		} catch {
			send(res, errorResult(400, 'Invalid request', 'Unparseable URL'));
			return;
		}
		const handler = url.pathname.startsWith(CONTROL_PREFIX) ? onControlRequest : onApiRequest;
		handler(req, res, url).catch((error) => {
			// A bug in the sandbox should look like a real 500, not hang the client.
			send(res, errorResult(500, 'Internal server error', error.message));
		});
	});

	const sandbox = {
		url: '',
		port: 0,

		/** Changes options for the following requests (same names as startSandbox's options). */
		configure(partial) {
			const next = mergeOptions(config, partial);
			if (partial.faults !== undefined) random = mulberry32(next.faults ? next.faults.seed : 1);
			config = next;
			return sandbox.options();
		},

		/** The current options (without the log function). */
		options() {
			const { log, ...shown } = config; // eslint-disable-line no-unused-vars
			return structuredClone(shown);
		},

		/**
		 * Queues `count` copies of `fault` for the next /contact requests, in arrival order.
		 * Scripted faults take precedence over random ones. Returns the queue length.
		 */
		failNext(fault, count = 1) {
			if (!Number.isInteger(count) || count < 1 || count > 100000) {
				throw new TypeError('count must be an integer between 1 and 100000');
			}
			const normal = normalizeFault(fault);
			normal.phase = normal.phase || 'before';
			for (let i = 0; i < count; i += 1) faultQueue.push({ ...normal });
			return faultQueue.length;
		},

		stats() {
			return { ...structuredClone(stats), queuedFaults: faultQueue.length };
		},

		/** Zeroes the counters; requests still in flight stay counted in inFlight. */
		resetStats() {
			const inFlight = stats.inFlight;
			stats = emptyStats();
			stats.inFlight = inFlight;
			stats.maxInFlight = inFlight;
		},

		/** Copies of the contacts stored for an organisation (by name: 'acme' or 'globex'). */
		contacts(org = 'acme') {
			if (!store.has(org)) throw new RangeError(`unknown sandbox organisation ${JSON.stringify(org)}`);
			return [...store.get(org).values()].map((contact) => structuredClone(contact));
		},

		/**
		 * Back to a fresh start: seeded contacts only, no queued faults, zeroed stats, an empty
		 * rate-limit window and the random-fault PRNG reseeded (so a reset run replays exactly).
		 * Options set with configure() are kept.
		 */
		reset() {
			store = seededStore();
			faultQueue = [];
			admitted = [];
			random = mulberry32(config.faults ? config.faults.seed : 1);
			sandbox.resetStats();
		},

		/** Stops listening and cuts keep-alive and in-flight connections so the process can exit. */
		close() {
			if (closed) return Promise.resolve();
			closed = true;
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
			return new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};

	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, HOST, () => {
			server.off('error', reject);
			sandbox.port = server.address().port;
			sandbox.url = `http://${HOST}:${sandbox.port}`;
			resolve(sandbox);
		});
	});
}

module.exports = {
	startSandbox,
	HOST,
	DEFAULT_OPTIONS,
	DEFAULT_RANDOM_FAULT_KINDS,
	// Exported for the CLI and for unit tests of the pieces.
	normalizeFault,
	mulberry32,
	redactKeys,
	fixtures,
};
