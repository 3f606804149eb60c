'use strict';
/**
 * A local stand-in for the FlowIQ API (https://api.flowiq.live), for tests, the demo and the
 * n8n end-to-end runs. It implements the documented contract (shared/flowiq-api/create-contact.md,
 * later-additions.md and conversations-and-lookups.md) and can misbehave on purpose: latency, a
 * rate limit, scripted faults and seeded random faults. Node 20 standard library only.
 *
 *   const { startSandbox } = require('./server');
 *   const sandbox = await startSandbox({ quiet: true });   // port 0 -> ephemeral port
 *   await fetch(`${sandbox.url}/contact`, ...);
 *   await sandbox.close();
 *
 * API routes (auth: `Authorization: Bearer fiq_...`, see fixtures.js for the keys):
 *   POST /contact          create a contact (201, 409 duplicate, 400 invalid)
 *   GET  /contact          look one up by phone_number or whatsapp_id (not in revision 'older')
 *   GET  /conversations    ?tenantId= required; action=conversation-messages (default), contacts,
 *                          find-by-phone; page/limit are refused (400), not clamped, when out of range
 *   POST /send-whatsapp    "send" a message to an existing contact; recorded in the sent log and
 *                          appended to the contact's conversation. Its error bodies have no `success`
 *   POST /set-webhooks     register a webhook {url, type, platform?} (201); kept per organisation,
 *                          duplicates allowed (FlowIQ documents no duplicate rule, no list, no delete)
 *
 * Control routes under /__sandbox/ (no auth; see onControlRequest): health, stats, options,
 * contacts, sent, reset, reset-stats, configure, fail-next, seed-contacts, webhooks, emit.
 * `emit` plays FlowIQ's side of a webhook: it POSTs the documented event payload to every
 * registration of the organisation whose type matches (or is 'all') and reports each answer.
 *
 * Request pipeline for API routes (everything outside /__sandbox/):
 *   1. arrival: count the request; take the next fault meant for its route (scripted queue first,
 *      then the seeded random roll). Taking it on arrival keeps "the next N requests" in arrival
 *      order even when latency jitter reorders the answers.
 *   2. latency (latencyMs + random jitter), simulating the network.
 *   3. a 'before' fault answers now; nothing is processed.
 *   4. rate limit (global, sliding 1-second window; see checkRateLimit).
 *   5. auth + route handling produce a response.
 *   6. an 'after' fault replaces that response: the contact WAS created (or the message sent) but
 *      the client never learns it, which is the case retries must survive without acting twice.
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

const CONTACT_AUTH = Object.freeze({
	missingKey: ['Invalid or missing API key', 'Authorization header with a Bearer API key is required'],
	unknownTenant: (tenantId) => `Organization not found for tenant ${tenantId}`,
	mismatch: ['API key mismatch', 'API key does not belong to the specified organization'],
	requireTenant: false,
});

/**
 * What each API path accepts and how its answers are worded. The documented error strings differ
 * per endpoint (contract §2.5, §4, §7.8), so auth takes its wording from here.
 * `bareErrors`: the path's error bodies have no `success` key (POST /send-whatsapp, §4).
 */
const API_PATHS = Object.freeze({
	'/contact': Object.freeze({ methods: Object.freeze(['GET', 'POST']), auth: CONTACT_AUTH }),
	'/conversations': Object.freeze({
		methods: Object.freeze(['GET']),
		auth: Object.freeze({
			missingKey: ['Authorization required', 'Please provide Authorization bearer token'],
			unknownTenant: (tenantId) => `No organization found with tenantId: ${tenantId}`,
			mismatch: ['Authentication mismatch', 'Bearer token does not match the provided tenantId'],
			requireTenant: true,
		}),
	}),
	'/send-whatsapp': Object.freeze({
		methods: Object.freeze(['POST']),
		auth: Object.freeze({
			...CONTACT_AUTH,
			unknownTenant: (tenantId) => `No organization found with tenantId: ${tenantId}`,
			mismatch: ['API key mismatch', 'API key does not belong to the specified tenant'],
		}),
		bareErrors: true,
	}),
	'/set-webhooks': Object.freeze({ methods: Object.freeze(['POST']), auth: CONTACT_AUTH }),
});

/** API revisions the sandbox can play, each with the routes it does not have (yet). */
const REVISION_MISSING_ROUTES = Object.freeze({
	current: Object.freeze([]),
	older: Object.freeze(['GET /contact']),
});

/** Faults without a route go to either /contact method, as before other routes existed. */
const DEFAULT_FAULT_ROUTE = '/contact';

const MESSAGE_TYPES = Object.freeze(['text', 'image', 'video', 'audio', 'document', 'location', 'contacts', 'interactive', 'reaction']);
const MEDIA_TYPES = Object.freeze(['image', 'video', 'audio', 'document']);

/** Interactive message limits in characters, as documented (contract §4). */
const INTERACTIVE_LIMITS = Object.freeze({
	body: 1024,
	header: 60,
	footer: 60,
	buttons: 3,
	buttonTitle: 20,
	listButton: 20,
	sections: 10,
	sectionTitle: 24,
	rowTitle: 24,
	rowDescription: 72,
});

const MAX_SEED_COUNT = 100000;

/** The event types FlowIQ delivers to webhooks (contract §5.2); a registration of type 'all' gets them all. */
const WEBHOOK_EVENT_TYPES = Object.freeze([
	'message_received',
	'message_sent',
	'sent_message',
	'message_delivered',
	'message_read',
	'message_failed',
	'call',
]);
const WEBHOOK_TYPES = Object.freeze([...WEBHOOK_EVENT_TYPES, 'all']);
/** FlowIQ names a Web platform without documenting its value: 'web' is the sandbox's guess. */
const WEBHOOK_PLATFORMS = Object.freeze(['whatsapp', 'web']);
/** The `status` of each receipt event; message_failed may also say 'undelivered' or 'warning'. */
const RECEIPT_STATUS = Object.freeze({
	message_sent: 'sent',
	message_delivered: 'delivered',
	message_read: 'read',
	message_failed: 'failed',
});
/** How long emit waits for a webhook's answer. */
const DELIVERY_TIMEOUT_MS = 10000;

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

/**
 * Thrown by the request validators, carrying the answer the request gets; handleApi sends it.
 * Throwing lets a check deep inside a body (a list row's title) end the request in one line.
 */
class RequestError extends Error {
	constructor(status, error, message, extra) {
		super(message || error);
		this.result = errorResult(status, error, message, extra);
	}
}

function missingField(message) {
	return new RequestError(400, 'Missing required field', message);
}

function withoutSuccess(result) {
	const { success, ...body } = result.body;
	return { ...result, body };
}

function isNonEmptyString(value) {
	return typeof value === 'string' && value.trim() !== '';
}

/** Length as a person counts it: an emoji is one character, not two UTF-16 units. */
function charCount(text) {
	return [...text].length;
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

/**
 * The route a request is for, as 'METHOD /path', or null when the API (in this revision) has no
 * such route. Only routes take faults, count as in flight and reach a handler.
 */
function apiRoute(method, pathname, revision) {
	if (!Object.hasOwn(API_PATHS, pathname) || !API_PATHS[pathname].methods.includes(method)) return null;
	const route = `${method} ${pathname}`;
	return REVISION_MISSING_ROUTES[revision].includes(route) ? null : route;
}

/**
 * Validates a fault route selector: 'METHOD /path' (one route), '/path' (every method on it) or
 * '*' (every API route). Only routes the API has are accepted, so a typo cannot queue a fault
 * that no request will ever take.
 */
function normalizeRouteSelector(selector) {
	if (selector === '*') return selector;
	const match = typeof selector === 'string' ? /^(?:([A-Z]+) )?(\/[\w-]*)$/.exec(selector.trim()) : null;
	const known = match && Object.hasOwn(API_PATHS, match[2]) && (!match[1] || API_PATHS[match[2]].methods.includes(match[1]));
	if (!known) {
		const routes = Object.entries(API_PATHS).flatMap(([path, spec]) => spec.methods.map((method) => `${method} ${path}`));
		throw new TypeError(`route must be '*', an API path or one of ${routes.join(', ')}; got ${JSON.stringify(selector)}`);
	}
	return match[1] ? `${match[1]} ${match[2]}` : match[2];
}

function routeMatches(selector, route) {
	return selector === '*' || selector === route || selector === route.slice(route.indexOf(' ') + 1);
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
	const routes = input.routes === undefined ? [DEFAULT_FAULT_ROUTE] : input.routes;
	if (!Array.isArray(routes) || routes.length === 0) {
		throw new TypeError("faults.routes must be a non-empty array of routes, e.g. ['/contact', 'GET /conversations']");
	}
	return { seed, rate, kinds: kinds.map(normalizeFault), routes: routes.map(normalizeRouteSelector) };
}

const DEFAULT_OPTIONS = Object.freeze({
	latencyMs: 0,
	latencyJitterMs: 0,
	rateLimit: 0,
	requireName: true,
	faults: null,
	quiet: false,
	revision: 'current',
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
	if (partial.revision !== undefined) {
		if (!Object.hasOwn(REVISION_MISSING_ROUTES, partial.revision)) {
			throw new TypeError(`revision must be one of ${Object.keys(REVISION_MISSING_ROUTES).join(', ')}`);
		}
		next.revision = partial.revision;
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
 * Resolves the caller the way the API documents it, in the wording of the path's `auth` entry in
 * API_PATHS. Returns
 *   { org, logLabel }                        when the key is good (and matches tenantId if given)
 *   { failure: {status, body}, logLabel }    otherwise.
 * logLabel is what the log shows instead of the key: `org=acme`, `key=unknown`, ...
 */
function authenticate(authorizationHeader, tenantId, wording = CONTACT_AUTH) {
	const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorizationHeader || '');
	if (!match) {
		return { logLabel: 'key=missing', failure: errorResult(401, ...wording.missingKey) };
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
	if (wording.requireTenant && !tenantId) {
		return {
			logLabel: `org=${org.name}`,
			failure: errorResult(400, 'Tenant ID is required', 'Please provide tenantId query parameter'),
		};
	}
	if (tenantId !== null && tenantId !== undefined) {
		const tenantOrg = Object.values(fixtures.ORGS).find((candidate) => candidate.tenantId === tenantId);
		if (!tenantOrg) {
			return {
				logLabel: `org=${org.name}`,
				failure: errorResult(404, 'Organization not found', wording.unknownTenant(tenantId)),
			};
		}
		if (tenantOrg.id !== org.id) {
			return { logLabel: `org=${org.name}`, failure: errorResult(401, ...wording.mismatch) };
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

/** Per organisation: whatsapp_id -> that contact's messages, oldest first. */
/** Per organisation: an empty list of webhook registrations. */
function noWebhooks() {
	return new Map(Object.keys(fixtures.ORGS).map((name) => [name, []]));
}

function seededConversations() {
	const conversations = new Map();
	for (const org of Object.values(fixtures.ORGS)) {
		const seeds = Object.entries(fixtures.SEED_CONVERSATIONS[org.name] || {});
		conversations.set(org.name, new Map(seeds.map(([whatsappId, messages]) => [whatsappId, structuredClone(messages)])));
	}
	return conversations;
}

/** A stored contact as FlowIQ creates it, with the defaults of create-contact.md. */
function newContact(org, { name, whatsappId, phone, email = null, tags = [] }, now) {
	return {
		id: randomUUID(),
		full_name: name,
		whatsapp_id: whatsappId,
		phone_number: phone,
		email,
		tags,
		organization_id: org.id,
		...fixtures.CONTACT_DEFAULTS,
		source: { ...fixtures.CONTACT_DEFAULTS.source },
		created_at: now,
		updated_at: now,
	};
}

/**
 * Adds `count` generated contacts to `contacts` (a Map by whatsapp_id) in O(count): numbers
 * 276xxxxxxxx counted up from the organisation's current size, skipping numbers already taken
 * and "not on WhatsApp" ones, so repeated calls keep adding fresh contacts.
 */
function addGeneratedContacts(contacts, org, count, namePrefix) {
	const now = new Date().toISOString();
	let serial = contacts.size;
	let added = 0;
	while (added < count) {
		serial += 1;
		const whatsappId = `276${String(serial).padStart(8, '0')}`;
		if (contacts.has(whatsappId) || !fixtures.isOnWhatsApp(whatsappId)) continue;
		contacts.set(whatsappId, newContact(org, { name: `${namePrefix} ${serial}`, whatsappId, phone: `+${whatsappId}` }, now));
		added += 1;
	}
}

/** The create response lists fewer fields than the stored record (and GET) carries. */
function createResponseContact(contact) {
	const { contact_summary, contact_summary_updated_at, ...shown } = contact;
	return structuredClone(shown);
}

/**
 * A stored contact as /conversations shows it: the OpenAPI Contact fields only. bot_status is a
 * string there ('active' | 'paused' | null) while POST /contact documents a boolean, so the
 * stored boolean is shown in the string form.
 */
function conversationsContact(contact) {
	const botStatus = contact.bot_status;
	return {
		id: contact.id,
		full_name: contact.full_name,
		whatsapp_id: contact.whatsapp_id,
		phone_number: contact.phone_number,
		email: contact.email,
		created_at: contact.created_at,
		tags: [...contact.tags],
		has_unread_messages: contact.has_unread_messages,
		bot_status: typeof botStatus === 'boolean' ? (botStatus ? 'active' : 'paused') : botStatus,
		archived: contact.archived,
	};
}

/** Contacts search: the name contains the text (any case), or the number contains its digits. */
function contactMatches(contact, search) {
	const digits = digitsOf(search);
	return (
		(contact.full_name || '').toLowerCase().includes(search.toLowerCase()) ||
		(digits !== '' && contact.whatsapp_id.includes(digits))
	);
}

// ---------------------------------------------------------------------------------------------
// GET /conversations: query parameters, paging and search (pure)

/**
 * An integer query parameter; absent or empty means `fallback`. Out of range is refused, not
 * clamped, so a client asking for limit=500 learns at once that it gets at most 100 per page.
 */
function integerParam(params, name, { fallback, min, max = Infinity }) {
	const text = params.get(name);
	if (text === null || text === '') return fallback;
	const value = /^-?\d+$/.test(text) ? Number(text) : NaN;
	if (!(value >= min && value <= max)) {
		const range = max === Infinity ? `>= ${min}` : `between ${min} and ${max}`;
		throw new RequestError(400, 'Invalid parameter', `${name} must be a whole number ${range}, got "${text}"`);
	}
	return value;
}

function booleanParam(params, name, fallback) {
	const text = params.get(name);
	if (text === null || text === '') return fallback;
	if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
	throw new RequestError(400, 'Invalid parameter', `${name} must be true or false, got "${text}"`);
}

/** One page of `items` (1-based) and the flags every paginated answer carries. */
function paginate(items, page, limit) {
	const totalPages = Math.ceil(items.length / limit);
	return {
		items: items.slice((page - 1) * limit, page * limit),
		totalPages,
		hasNextPage: page < totalPages,
		hasPrevPage: page > 1,
	};
}

/** The contact a conversation-messages request names, by whatsappNumber (preferred) or contactId. */
function conversationContact(params, contacts) {
	const number = params.get('whatsappNumber');
	if (number) {
		const normalized = digitsOf(number);
		const contact = contacts.get(normalized);
		if (!contact) throw new RequestError(404, 'Contact not found for the provided phone number', undefined, { normalized_phone: normalized });
		return contact;
	}
	const contactId = params.get('contactId');
	if (!contactId) throw missingField('whatsappNumber or contactId is required');
	for (const contact of contacts.values()) if (contact.id === contactId) return contact;
	throw new RequestError(404, 'Contact not found for the provided phone number', undefined, { contactId });
}

/**
 * The message search terms: the Shopify order number for `orderId` (e.g. "#1001"), then the
 * comma-separated `query` terms. Null when there is nothing to search for.
 */
function searchTerms(params, org) {
	const terms = [];
	const orderId = params.get('orderId');
	if (orderId) {
		const orders = fixtures.ORDERS[org.name] || {};
		if (!Object.hasOwn(orders, orderId)) throw new RequestError(404, 'Shopify order not found', undefined, { orderId });
		terms.push(orders[orderId]);
	}
	for (const term of (params.get('query') || '').split(',')) if (term.trim()) terms.push(term.trim());
	return terms.length > 0 ? terms : null;
}

/**
 * The match rule is undocumented; the sandbox picks the forgiving one: a message matches when
 * its text contains ANY of the terms, ignoring case. Media without a caption has no text.
 */
function messageMatches(message, terms) {
	const text = (message.message || '').toLowerCase();
	return terms.some((term) => text.includes(term.toLowerCase()));
}

// ---------------------------------------------------------------------------------------------
// POST /send-whatsapp: body validation (pure; throws RequestError) and what a send leaves behind

/** A text field of an interactive message: present when required, a string, within its limit. */
function checkInteractiveText(value, path, limit, required = false) {
	const invalid = (problem) => new RequestError(400, 'Invalid interactive message', `${path} ${problem}`);
	if (value === undefined || value === null) {
		if (required) throw invalid('is required');
		return;
	}
	if (typeof value !== 'string') throw invalid('must be a string');
	if (required && value.trim() === '') throw invalid('is required');
	if (charCount(value) > limit) throw invalid(`must be at most ${limit} characters, got ${charCount(value)}`);
}

/** A list of 1..max objects (buttons, sections, rows); each item is then checked by the caller. */
function checkInteractiveList(value, path, max) {
	if (!Array.isArray(value) || value.length === 0 || value.length > max || !value.every(isPlainObject)) {
		const shape = max === Infinity ? 'a non-empty list of objects' : `a list of 1 to ${max} objects`;
		throw new RequestError(400, 'Invalid interactive message', `${path} must be ${shape}`);
	}
}

function checkInteractive(input) {
	const interactive = input.interactive;
	if (!isPlainObject(interactive)) throw missingField('interactive is required for interactive messages');
	if (interactive.type !== 'button' && interactive.type !== 'list') {
		throw new RequestError(400, 'Invalid interactive message', "interactive.type must be 'button' or 'list'");
	}
	const limits = INTERACTIVE_LIMITS;
	checkInteractiveText(interactive.body, 'interactive.body', limits.body, true);
	checkInteractiveText(interactive.header, 'interactive.header', limits.header);
	checkInteractiveText(interactive.footer, 'interactive.footer', limits.footer);
	const media = interactive.header_media;
	if (media !== undefined && media !== null) {
		if (!isPlainObject(media) || !['image', 'video', 'document'].includes(media.type) || !isNonEmptyString(media.url)) {
			throw new RequestError(400, 'Invalid interactive message', 'interactive.header_media needs type image, video or document and a url');
		}
	}
	if (interactive.type === 'button') {
		checkInteractiveList(interactive.buttons, 'interactive.buttons', limits.buttons);
		interactive.buttons.forEach((button, index) => {
			checkInteractiveText(button.id, `interactive.buttons[${index}].id`, Infinity, true);
			checkInteractiveText(button.title, `interactive.buttons[${index}].title`, limits.buttonTitle, true);
		});
		return;
	}
	checkInteractiveText(interactive.button, 'interactive.button', limits.listButton, true);
	checkInteractiveList(interactive.sections, 'interactive.sections', limits.sections);
	interactive.sections.forEach((section, sectionIndex) => {
		const at = `interactive.sections[${sectionIndex}]`;
		checkInteractiveText(section.title, `${at}.title`, limits.sectionTitle);
		checkInteractiveList(section.rows, `${at}.rows`, Infinity);
		section.rows.forEach((row, rowIndex) => {
			checkInteractiveText(row.id, `${at}.rows[${rowIndex}].id`, Infinity, true);
			checkInteractiveText(row.title, `${at}.rows[${rowIndex}].title`, limits.rowTitle, true);
			checkInteractiveText(row.description, `${at}.rows[${rowIndex}].description`, limits.rowDescription);
		});
	});
}

function checkCoordinate(value, path, bound) {
	if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > bound) {
		throw new RequestError(400, 'Invalid location', `${path} must be a number between -${bound} and ${bound}`);
	}
}

function checkLocation(input) {
	const location = input.location;
	if (!isPlainObject(location) || location.latitude === undefined || location.longitude === undefined) {
		throw missingField('location.latitude and location.longitude are required for location messages');
	}
	checkCoordinate(location.latitude, 'location.latitude', 90);
	checkCoordinate(location.longitude, 'location.longitude', 180);
}

function checkContactCards(input) {
	const cards = input.contacts;
	if (!Array.isArray(cards) || cards.length === 0) throw missingField('contacts is required for contacts messages');
	cards.forEach((card, index) => {
		const invalid = (message) => new RequestError(400, 'Invalid contacts message', `contacts[${index}]${message}`);
		if (!isPlainObject(card) || !isPlainObject(card.name) || !isNonEmptyString(card.name.formatted_name)) {
			throw invalid('.name.formatted_name is required');
		}
		if (!Array.isArray(card.phones) || card.phones.length === 0) throw invalid('.phones must list at least one phone');
		card.phones.forEach((phone, phoneIndex) => {
			if (!isPlainObject(phone) || !isNonEmptyString(phone.phone)) throw invalid(`.phones[${phoneIndex}].phone is required`);
		});
	});
}

/** The per-type part of the body each message_type needs (contract §4). */
const MESSAGE_CHECKS = Object.freeze({
	text: (input) => {
		if (!isNonEmptyString(input.text)) throw missingField('text is required for text messages');
	},
	...Object.fromEntries(
		MEDIA_TYPES.map((type) => [
			type,
			(input) => {
				if (!isNonEmptyString(input.media_url)) throw missingField(`media_url is required for ${type} messages`);
			},
		]),
	),
	location: checkLocation,
	contacts: checkContactCards,
	interactive: checkInteractive,
	reaction: (input) => {
		if (!isPlainObject(input.reaction) || !isNonEmptyString(input.reaction.message_id)) {
			throw missingField('reaction.message_id is required for reaction messages');
		}
	},
});

function checkSendBody(input) {
	const phone = input.phone_number;
	if (phone === undefined || phone === null || String(phone).trim() === '') throw missingField('phone_number is required');
	if (typeof phone !== 'string' && typeof phone !== 'number') {
		throw new RequestError(400, 'Invalid request body', 'phone_number must be a string');
	}
	const type = input.message_type;
	if (type === undefined || type === null || type === '') throw missingField('message_type is required');
	if (!MESSAGE_TYPES.includes(type)) {
		throw new RequestError(400, 'Invalid message type', `Unsupported message_type: ${type}. Supported types: ${MESSAGE_TYPES.join(', ')}`);
	}
	MESSAGE_CHECKS[type](input);
	const context = input.context_message_id;
	if (context !== undefined && context !== null && !isNonEmptyString(context)) {
		throw new RequestError(400, 'Invalid request body', 'context_message_id must be the wamid of the message to reply to');
	}
}

/**
 * How a sent message shows up in the recipient's conversation: the text of a text message, the
 * caption (and link) of media, and compact JSON of the payload for the structured types, so a
 * test reading the conversation back can still tell what was sent.
 */
function sentConversationMessage(input, at) {
	const type = input.message_type;
	const isMedia = MEDIA_TYPES.includes(type);
	let text;
	if (type === 'text') text = input.text;
	else if (isMedia) text = input.caption ?? null;
	else text = JSON.stringify(input[type]);
	return {
		message: text,
		sender_type: 'bot-whatsapp',
		created_at: at,
		message_status: 'sent',
		media_type: isMedia ? type : null,
		media_url: isMedia ? input.media_url : null,
		assignee: null,
		voice_note_transcription: null,
		reactions: [],
	};
}

// ---------------------------------------------------------------------------------------------
// Webhooks: registrations (POST /set-webhooks) and the events delivered to them (pure helpers)

function isHttpUrl(text) {
	try {
		const url = new URL(text);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}

/** The registration a POST /set-webhooks body asks for; throws a RequestError saying what is wrong. */
function checkWebhookBody(input) {
	if (!isNonEmptyString(input.url)) throw missingField('url is required');
	if (!isHttpUrl(input.url)) throw new RequestError(400, 'Invalid URL', 'url must be an http:// or https:// URL');
	if (input.type === undefined || input.type === null || input.type === '') throw missingField('type is required');
	if (!WEBHOOK_TYPES.includes(input.type)) {
		throw new RequestError(400, 'Invalid webhook type', `type must be one of: ${WEBHOOK_TYPES.join(', ')}`);
	}
	const platform = input.platform === undefined || input.platform === null ? 'whatsapp' : input.platform;
	if (!WEBHOOK_PLATFORMS.includes(platform)) {
		throw new RequestError(400, 'Invalid platform', `platform must be one of: ${WEBHOOK_PLATFORMS.join(', ')}`);
	}
	return { url: input.url, type: input.type, platform };
}

/** A webhook URL as logs and delivery reports show it: without its query, where a secret may be. */
function shownTarget(url) {
	const parsed = new URL(url);
	return `${parsed.origin}${parsed.pathname}`;
}

function wamid() {
	return `wamid.${randomUUID().replace(/-/g, '')}`;
}

/**
 * The payload FlowIQ posts for one event (contract §5.2), in its documented field order, with
 * realistic values; `overrides` replace or add fields. `contact` is the organisation's contact
 * with that number, if any.
 */
function eventPayload(org, contact, { event_type: type, whatsapp_id: whatsappId, ...overrides }, now) {
	const base = { event_type: type, whatsapp_id: whatsappId, organization_id: org.id };
	let payload;
	if (type === 'message_received') {
		payload = {
			...base,
			timestamp: now,
			whatsapp_message_id: wamid(),
			message_type: 'text',
			message: 'Hi, is my order on its way?',
			media_type: null,
			media_url: null,
			file_name: null,
			contact_id: contact ? contact.id : null,
			reply_context_id: null,
			location_data: null,
		};
	} else if (type === 'sent_message') {
		payload = {
			...base,
			id: randomUUID(),
			message: 'Your order has shipped and arrives tomorrow.',
			sender_type: 'bot-whatsapp',
			created_at: now,
			contact_id: contact ? contact.id : null,
			message_status: 'sent',
			media_type: null,
			media_url: null,
			media_file_name: null,
			member_id: null,
			whatsapp_message_id: wamid(),
			reply_context_id: null,
			broadcast_id: null,
			sent_receipt_received: false,
			delivered_receipt_received: false,
			read_receipt_received: false,
			timestamp: now,
		};
	} else if (type === 'call') {
		// The page keeps this event commented out: Meta's call payload, plus FlowIQ's own fields.
		payload = {
			event_type: type,
			organization_id: org.id,
			timestamp: now,
			phone_number_id: '100000000000001',
			calls: [{ id: `wacid.${randomUUID().replace(/-/g, '')}`, from: whatsappId, event: 'connect', timestamp: now }],
		};
	} else {
		payload = { ...base, whatsapp_message_id: wamid(), status: RECEIPT_STATUS[type], timestamp: now };
	}
	return { ...payload, ...overrides };
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

/** The request body as a JSON object, or a RequestError saying why it is not one. */
async function readJsonObject(req) {
	let raw;
	try {
		raw = await readBody(req);
	} catch (error) {
		if (error.code === 'BODY_TOO_LARGE') throw new RequestError(413, 'Payload too large', 'Request body is limited to 1 MB');
		throw error;
	}
	let input;
	try {
		input = JSON.parse(raw);
	} catch {
		throw new RequestError(400, 'Invalid request body', 'Request body must be valid JSON');
	}
	if (!isPlainObject(input)) throw new RequestError(400, 'Invalid request body', 'Request body must be a JSON object');
	return input;
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
 * @param {object|null} [options.faults]       { seed, rate, kinds, routes } seeded random faults
 *                                             (routes default ['/contact'])
 * @param {'current'|'older'} [options.revision='current'] 'older': no GET /contact, and the send
 *                                             answer still carries data.organization and data.meta_response
 * @param {(line: string) => void} [options.log] one line per request; default stdout
 * @param {boolean} [options.quiet=false]      no request log at all
 * @returns {Promise<Sandbox>}
 */
function startSandbox(options = {}) {
	const { port = 0, ...rest } = options;
	let config = mergeOptions({ ...DEFAULT_OPTIONS }, rest);
	let random = mulberry32(config.faults ? config.faults.seed : 1);
	let store = seededStore();
	let conversations = seededConversations();
	let sentLog = []; // every accepted POST /send-whatsapp, oldest first
	let webhooks = noWebhooks(); // per organisation: the POST /set-webhooks registrations, oldest first
	let faultQueue = []; // { fault, route }: route is a selector, see normalizeRouteSelector
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

	/** The fault for a request on `route`: the oldest one queued for it, else the random roll. */
	function takeFault(route) {
		const queued = faultQueue.findIndex((entry) => routeMatches(entry.route, route));
		if (queued >= 0) return faultQueue.splice(queued, 1)[0].fault;
		const randomFaults = config.faults;
		if (!randomFaults || randomFaults.rate <= 0) return null;
		if (!randomFaults.routes.some((selector) => routeMatches(selector, route))) return null;
		// Always draw the same number of values per request so the sequence depends only on the
		// seed and the number of requests on the chosen routes, not on which kinds were configured.
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

	async function handleApi(req, url, auth, route) {
		const path = Object.hasOwn(API_PATHS, url.pathname) ? API_PATHS[url.pathname] : null;
		if (!route) {
			// A route this revision lacks answers like any unknown URL, not with a 405.
			if (!path || path.methods.includes(req.method)) return errorResult(404, 'Not found');
			const allowed = path.methods.filter((method) => apiRoute(method, url.pathname, config.revision));
			return {
				...errorResult(405, 'Method not allowed', `${req.method} is not supported on ${url.pathname}`),
				headers: { Allow: allowed.join(', ') },
			};
		}
		let result = auth.failure;
		if (!result) {
			try {
				result = await ROUTE_HANDLERS[route](req, url, auth.org);
			} catch (error) {
				if (!(error instanceof RequestError)) throw error;
				result = error.result;
			}
		}
		return path.bareErrors && result.status >= 400 ? withoutSuccess(result) : result;
	}

	async function createContact(req, url, org) {
		const input = await readJsonObject(req);

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

		const contact = newContact(
			org,
			{
				name: hasName ? String(input.name) : null,
				whatsappId,
				phone: String(phone),
				email: input.email === undefined || input.email === null || input.email === '' ? null : String(input.email),
				tags: parseTags(input.tags),
			},
			new Date().toISOString(),
		);
		// Check and insert happen in one synchronous step, so concurrent creates of the same
		// number cannot both succeed (the real API's unique index behaves the same way).
		contacts.set(whatsappId, contact);
		return {
			status: 201,
			body: { success: true, message: 'Contact created successfully', contact: createResponseContact(contact) },
		};
	}

	function getContact(req, url, org) {
		const phone = url.searchParams.get('phone_number');
		const whatsappId = url.searchParams.get('whatsapp_id');
		const query = phone || whatsappId;
		if (!query) return errorResult(400, 'Missing required field', 'phone_number or whatsapp_id is required');
		const contact = store.get(org.name).get(digitsOf(query));
		if (!contact) return errorResult(404, 'Contact not found', 'No contact with this phone number');
		return { status: 200, body: { success: true, contact: structuredClone(contact) } };
	}

	function conversationsRoute(req, url, org) {
		const params = url.searchParams;
		const action = params.get('action') || 'conversation-messages';
		if (action === 'conversation-messages') return conversationMessages(params, org);
		if (action === 'contacts') return listContacts(params, org);
		if (action === 'find-by-phone') return findByPhone(params, org);
		return errorResult(400, 'Invalid action', 'Use: conversation-messages, contacts, or find-by-phone');
	}

	function conversationMessages(params, org) {
		const page = integerParam(params, 'page', { fallback: 1, min: 1 });
		const limit = integerParam(params, 'limit', { fallback: 10, min: 1, max: 100 });
		const ascending = booleanParam(params, 'ascending', false);
		const contact = conversationContact(params, store.get(org.name));
		const terms = searchTerms(params, org);
		const all = conversations.get(org.name).get(contact.whatsapp_id) || [];
		const matching = terms ? all.filter((message) => messageMatches(message, terms)) : all;
		const ordered = ascending ? matching : [...matching].reverse();
		const shown = paginate(ordered, page, limit);
		return {
			status: 200,
			body: {
				success: true,
				messages: structuredClone(shown.items),
				pagination: {
					currentPage: page,
					totalPages: shown.totalPages,
					totalMessages: ordered.length,
					messagesPerPage: limit,
					hasNextPage: shown.hasNextPage,
					hasPrevPage: shown.hasPrevPage,
				},
				count: shown.items.length,
				searchTerms: terms,
				filtered: terms !== null,
				stored: false,
			},
		};
	}

	/** Oldest first (insertion order), so contacts created while a client pages through land at the end. */
	function listContacts(params, org) {
		const page = integerParam(params, 'page', { fallback: 1, min: 1 });
		const limit = integerParam(params, 'limit', { fallback: 50, min: 1, max: 100 });
		const search = (params.get('search') || '').trim();
		const all = [...store.get(org.name).values()];
		const matching = search ? all.filter((contact) => contactMatches(contact, search)) : all;
		const shown = paginate(matching, page, limit);
		return {
			status: 200,
			body: {
				success: true,
				contacts: shown.items.map(conversationsContact),
				pagination: {
					currentPage: page,
					totalPages: shown.totalPages,
					totalContacts: matching.length,
					contactsPerPage: limit,
					hasNextPage: shown.hasNextPage,
					hasPrevPage: shown.hasPrevPage,
				},
				count: shown.items.length,
			},
		};
	}

	function findByPhone(params, org) {
		// The reference spells it whatsappNumber, the guides phoneNumber (contract §2.6): take both.
		const original = params.get('whatsappNumber') || params.get('phoneNumber');
		if (!original) throw missingField('whatsappNumber (or phoneNumber) is required');
		const normalized = digitsOf(original);
		const contact = store.get(org.name).get(normalized);
		if (!contact) return errorResult(404, 'Contact not found for the provided phone number', undefined, { normalized_phone: normalized });
		return {
			status: 200,
			body: { success: true, contact: conversationsContact(contact), original_phone: original, normalized_phone: normalized },
		};
	}

	async function sendWhatsapp(req, url, org) {
		const input = await readJsonObject(req);
		checkSendBody(input);
		const { provider, metaConfigured } = org.whatsapp;
		if (provider !== 'meta') return errorResult(400, 'Invalid provider', `Organization must use Meta WhatsApp provider. Current: ${provider}`);
		if (!metaConfigured) return errorResult(400, 'Meta not configured', 'Organization Meta WhatsApp credentials are not configured');
		const recipient = digitsOf(input.phone_number);
		if (!store.get(org.name).has(recipient)) {
			return errorResult(
				404,
				'Contact not found',
				`No contact exists with WhatsApp number ${recipient}. Please create the contact first using the /api/contact endpoint.`,
				{ whatsapp_id: recipient },
			);
		}

		const messageId = `wamid.${randomUUID().replace(/-/g, '')}`;
		const at = new Date().toISOString();
		sentLog.push({ message_id: messageId, org: org.name, recipient, message_type: input.message_type, body: structuredClone(input), at });
		const conversation = conversations.get(org.name);
		if (!conversation.has(recipient)) conversation.set(recipient, []);
		conversation.get(recipient).push(sentConversationMessage(input, at));

		const data = { message_id: messageId, recipient, message_type: input.message_type };
		if (config.revision === 'older') {
			// Removed from the answer on 2026-03-05 (contract §4); the older revision still has them.
			data.organization = { id: org.id, name: org.displayName, tenantId: org.tenantId };
			data.meta_response = {
				messaging_product: 'whatsapp',
				contacts: [{ input: String(input.phone_number), wa_id: recipient }],
				messages: [{ id: messageId }],
			};
		}
		return { status: 200, body: { success: true, message: 'Message sent successfully', data } };
	}

	async function setWebhooks(req, url, org) {
		const registration = checkWebhookBody(await readJsonObject(req));
		const webhook = { id: randomUUID(), ...registration, created_at: new Date().toISOString() };
		webhooks.get(org.name).push(webhook);
		return { status: 201, body: { success: true, message: 'Webhook created successfully', webhook: { ...webhook } } };
	}

	/** POSTs `payload` to one registration, as FlowIQ would; the answer's status and body, or why none came. */
	async function deliver(webhook, payload) {
		const report = { webhook_id: webhook.id, type: webhook.type, target: shownTarget(webhook.url) };
		const started = performance.now();
		try {
			const response = await fetch(webhook.url, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify(payload),
				redirect: 'manual',
				signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
			});
			const text = await response.text();
			let answer = text.slice(0, 2000);
			try {
				answer = JSON.parse(text);
			} catch {
				// not JSON: the text, cut short
			}
			Object.assign(report, { status: response.status, answer });
		} catch (error) {
			report.error = error.cause?.code || error.name || 'failed';
		}
		const ms = Math.round(performance.now() - started);
		writeLog(`deliver ${payload.event_type} ${report.target} ${report.status ?? report.error} ${ms}ms org=${webhook.org}`);
		return report;
	}

	const ROUTE_HANDLERS = {
		'POST /contact': createContact,
		'GET /contact': getContact,
		'GET /conversations': conversationsRoute,
		'POST /send-whatsapp': sendWhatsapp,
		'POST /set-webhooks': setWebhooks,
	};

	async function onApiRequest(req, res, url) {
		const started = performance.now();
		const route = apiRoute(req.method, url.pathname, config.revision);
		const wording = Object.hasOwn(API_PATHS, url.pathname) ? API_PATHS[url.pathname].auth : CONTACT_AUTH;
		const auth = authenticate(req.headers.authorization, url.searchParams.get('tenantId'), wording);
		const fault = route ? takeFault(route) : null;
		let faultNote = '';
		let droppedBySandbox = false;

		stats.requests += 1;
		if (route) {
			stats.inFlight += 1;
			stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
		}
		// 'close' fires both after a normal response and when the socket is destroyed, so it
		// is the one place where in-flight accounting and the log line cannot be skipped.
		res.once('close', () => {
			if (route) stats.inFlight -= 1;
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

		const result = await handleApi(req, url, auth, route);
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
				case 'GET contacts':
					return send(res, { status: 200, body: sandbox.contacts(url.searchParams.get('org') || 'acme') });
				case 'GET options':
					return send(res, { status: 200, body: sandbox.options() });
				case 'GET sent':
					return send(res, { status: 200, body: sandbox.sent(url.searchParams.get('org') || undefined) });
				case 'GET webhooks':
					return send(res, { status: 200, body: sandbox.webhooks(url.searchParams.get('org') || 'acme') });
				case 'POST emit': {
					const input = await readJson();
					if (!isPlainObject(input)) throw new TypeError('body must be {"org": "acme", "event_type": "message_received", ...fields}');
					const { org = 'acme', platform, ...event } = input;
					return send(res, { status: 200, body: { success: true, ...(await sandbox.emit(org, event, { platform })) } });
				}
				case 'POST seed-contacts': {
					const input = await readJson();
					if (!isPlainObject(input)) throw new TypeError('body must be {"org": "acme", "count": n, "namePrefix": "..."}');
					const org = input.org === undefined ? 'acme' : input.org;
					const total = sandbox.seedContacts(org, input.count, input.namePrefix);
					return send(res, { status: 200, body: { success: true, org, added: input.count, total } });
				}
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
					if (!isPlainObject(input)) throw new TypeError('body must be {"fault": {...}, "count": n, "route": "GET /conversations"}');
					const queued = sandbox.failNext(input.fault, input.count === undefined ? 1 : input.count, input.route);
					return send(res, { status: 200, body: { success: true, queued } });
				}
				default: {
					const known = ['health', 'stats', 'contacts', 'sent', 'options', 'reset', 'reset-stats', 'configure', 'fail-next', 'seed-contacts', 'webhooks', 'emit'];
					const name = url.pathname.slice(CONTROL_PREFIX.length);
					if (known.includes(name)) return send(res, errorResult(405, 'Method not allowed'));
					return send(res, errorResult(404, 'Not found'));
				}
			}
		} catch (error) {
			// An unknown organisation (RangeError), bad JSON or an invalid option/fault: say what was wrong.
			if (error instanceof RangeError) return send(res, errorResult(404, 'Organization not found', error.message));
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

	function checkOrg(org) {
		if (!store.has(org)) throw new RangeError(`unknown sandbox organisation ${JSON.stringify(org)}`);
	}

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
			const { log, ...shown } = config;
			return structuredClone(shown);
		},

		/**
		 * Queues `count` copies of `fault` for the next requests on `route`, in arrival order:
		 * 'METHOD /path', '/path' (any method) or '*' (any API route); default '/contact', both
		 * /contact methods sharing the queue. A request only takes a fault queued for its route.
		 * Scripted faults take precedence over random ones. Returns the queue length (all routes).
		 */
		failNext(fault, count = 1, route = DEFAULT_FAULT_ROUTE) {
			if (!Number.isInteger(count) || count < 1 || count > 100000) {
				throw new TypeError('count must be an integer between 1 and 100000');
			}
			const normal = normalizeFault(fault);
			normal.phase = normal.phase || 'before';
			const selector = normalizeRouteSelector(route);
			for (let i = 0; i < count; i += 1) faultQueue.push({ fault: { ...normal }, route: selector });
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

		/** Copies of the contacts stored for an organisation (by name: 'acme', 'globex', 'umbrella'). */
		contacts(org = 'acme') {
			checkOrg(org);
			return [...store.get(org).values()].map((contact) => structuredClone(contact));
		},

		/**
		 * Adds `count` generated contacts ("<namePrefix> <n>", +276...) to an organisation, for
		 * paging and bench runs. Returns how many contacts the organisation has now.
		 */
		seedContacts(org = 'acme', count, namePrefix = 'Seeded Contact') {
			checkOrg(org);
			if (!Number.isInteger(count) || count < 1 || count > MAX_SEED_COUNT) {
				throw new TypeError(`count must be an integer between 1 and ${MAX_SEED_COUNT}`);
			}
			if (!isNonEmptyString(namePrefix)) throw new TypeError('namePrefix must be a non-empty string');
			const contacts = store.get(org);
			addGeneratedContacts(contacts, fixtures.ORGS[org], count, namePrefix.trim());
			return contacts.size;
		},

		/** Copies of the messages accepted by POST /send-whatsapp, oldest first; all organisations without `org`. */
		sent(org) {
			if (org !== undefined) checkOrg(org);
			return structuredClone(sentLog.filter((entry) => org === undefined || entry.org === org));
		},

		/** Copies of the webhooks registered for an organisation through POST /set-webhooks, oldest first. */
		webhooks(org = 'acme') {
			checkOrg(org);
			return structuredClone(webhooks.get(org));
		},

		/**
		 * Plays one FlowIQ event: builds the documented payload for `event.event_type` (whatsapp_id
		 * defaults to Existing Customer's; any other field of `event` replaces or adds one) and POSTs
		 * it to every registration of `org` on `platform` whose type is that event type or 'all',
		 * all at once. Resolves with the payload and one report per delivery, in registration order:
		 * { webhook_id, type, target (URL without its query), status, answer } or { ..., error }.
		 */
		async emit(org = 'acme', event = {}, { platform = 'whatsapp' } = {}) {
			checkOrg(org);
			if (!isPlainObject(event)) throw new TypeError('event must be an object');
			if (!WEBHOOK_EVENT_TYPES.includes(event.event_type)) {
				throw new TypeError(`event_type must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}; got ${JSON.stringify(event.event_type)}`);
			}
			if (!WEBHOOK_PLATFORMS.includes(platform)) throw new TypeError(`platform must be one of ${WEBHOOK_PLATFORMS.join(', ')}`);
			const whatsappId = event.whatsapp_id === undefined ? digitsOf(fixtures.PHONES.existing) : event.whatsapp_id;
			const contact = store.get(org).get(digitsOf(whatsappId)) || null;
			const payload = eventPayload(fixtures.ORGS[org], contact, { ...event, whatsapp_id: whatsappId }, new Date().toISOString());
			const targets = webhooks
				.get(org)
				.filter((webhook) => webhook.platform === platform && (webhook.type === 'all' || webhook.type === event.event_type));
			const deliveries = await Promise.all(targets.map((webhook) => deliver({ ...webhook, org }, payload)));
			return { event: payload, deliveries };
		},

		/**
		 * Back to a fresh start: seeded contacts and conversations only, an empty sent log, no
		 * webhooks, no queued faults, zeroed stats, an empty rate-limit window and the random-fault
		 * PRNG reseeded (so a reset run replays exactly). Options set with configure() are kept.
		 */
		reset() {
			store = seededStore();
			conversations = seededConversations();
			sentLog = [];
			webhooks = noWebhooks();
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
	REVISIONS: Object.keys(REVISION_MISSING_ROUTES),
	WEBHOOK_EVENT_TYPES,
	WEBHOOK_TYPES,
	// Exported for the CLI and for unit tests of the pieces.
	normalizeFault,
	normalizeRouteSelector,
	mulberry32,
	redactKeys,
	fixtures,
};
