'use strict';
/**
 * The sandbox across all its API routes: faults aimed at one route (scripted and random), the
 * in-flight count, routing and 405s per path, the `revision` option, and the request log.
 * Real HTTP on 127.0.0.1; one sandbox, reset per test.
 */
const { startSandbox, normalizeRouteSelector } = require('../../sandbox/server');
const { parseArgs, parseFaultRoutes } = require('../../sandbox/cli');
const { KEYS, PHONES } = require('../../sandbox/fixtures');
const { request } = require('./client');

jest.setTimeout(10000);

let sandbox;
const logLines = [];

function call(pathAndQuery, options) {
	return request(sandbox.url, pathAndQuery, options);
}

/** One request per API route, each answering 2xx on a fresh sandbox unless a fault hits it. */
const ROUTE_CALLS = {
	'POST /contact': () => call('/contact', { method: 'POST', body: { name: 'A', phone_number: freshPhone() } }),
	'GET /contact': () => call(`/contact?phone_number=${PHONES.existing}`),
	'GET /conversations': () => call(`/conversations?tenantId=acme&whatsappNumber=${PHONES.existing}`),
	'POST /send-whatsapp': () => call('/send-whatsapp', { method: 'POST', body: { phone_number: PHONES.existing, message_type: 'text', text: 'Hi' } }),
};

async function statusOf(route) {
	return (await ROUTE_CALLS[route]()).status;
}

let phoneCounter = 0;
function freshPhone() {
	phoneCounter += 1;
	return `+2784${String(1000000 + phoneCounter).slice(-7)}`;
}

beforeAll(async () => {
	sandbox = await startSandbox({ log: (line) => logLines.push(line) });
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	sandbox.configure({ latencyMs: 0, faults: null, revision: 'current' });
	sandbox.reset();
	logLines.length = 0;
});

describe('faults aimed at a route', () => {
	test('a fault queued for GET /conversations is not taken by POST /contact', async () => {
		sandbox.failNext({ status: 503 }, 1, 'GET /conversations');
		expect(await statusOf('POST /contact')).toBe(201);
		expect(await statusOf('GET /contact')).toBe(200);
		expect(await statusOf('POST /send-whatsapp')).toBe(200);
		expect(sandbox.stats().queuedFaults).toBe(1);
		expect(await statusOf('GET /conversations')).toBe(503);
		expect(await statusOf('GET /conversations')).toBe(200);
		expect(sandbox.stats().faultsInjected).toEqual({ 503: 1 });
	});

	test('without a route, faults go to /contact (both methods, one queue) and to nothing else', async () => {
		sandbox.failNext({ status: 500 });
		sandbox.failNext({ status: 502 });
		expect(await statusOf('GET /conversations')).toBe(200);
		expect(await statusOf('POST /send-whatsapp')).toBe(200);
		expect(await statusOf('GET /contact')).toBe(500);
		expect(await statusOf('POST /contact')).toBe(502);
	});

	test("'POST /contact' leaves GET /contact alone; '/send-whatsapp' means its only method", async () => {
		sandbox.failNext({ status: 504 }, 1, 'POST /contact');
		sandbox.failNext({ status: 429 }, 1, '/send-whatsapp');
		expect(await statusOf('GET /contact')).toBe(200);
		expect(await statusOf('POST /contact')).toBe(504);
		expect(await statusOf('POST /send-whatsapp')).toBe(429);
	});

	test("'*' is taken by any route; each request takes the oldest fault meant for it", async () => {
		sandbox.failNext({ status: 500 }, 1, 'GET /conversations');
		sandbox.failNext({ status: 502 }, 1, '*');
		sandbox.failNext({ status: 503 }, 1, 'GET /conversations');
		expect(await statusOf('POST /contact')).toBe(502);
		expect(await statusOf('GET /conversations')).toBe(500);
		expect(await statusOf('GET /conversations')).toBe(503);
		expect(sandbox.stats().queuedFaults).toBe(0);
	});

	test("an 'after' fault on send: the message went out (logged, in the conversation), the answer is lost", async () => {
		sandbox.failNext({ status: 502, phase: 'after' }, 1, 'POST /send-whatsapp');
		const lost = await ROUTE_CALLS['POST /send-whatsapp']();
		expect(lost.status).toBe(502);
		expect(sandbox.sent('acme')).toHaveLength(1);
		const conversation = await call(`/conversations?tenantId=acme&whatsappNumber=${PHONES.existing}&limit=1`);
		expect(conversation.body.messages[0].message).toBe('Hi');
	});

	test('fail-next over HTTP takes a route too', async () => {
		const queued = await call('/__sandbox/fail-next', { key: null, method: 'POST', body: { fault: { status: 500 }, count: 2, route: 'GET /conversations' } });
		expect(queued.body).toEqual({ success: true, queued: 2 });
		expect(await statusOf('POST /contact')).toBe(201);
		expect(await statusOf('GET /conversations')).toBe(500);
	});

	test.each([
		['an unknown path', '/contacts'],
		['a method the path does not have', 'DELETE /contact'],
		['a lower-case method', 'get /conversations'],
		['a control route', '/__sandbox/stats'],
		['not a string', 42],
	])('%s is refused as a route', async (_name, route) => {
		expect(() => sandbox.failNext({ status: 500 }, 1, route)).toThrow(
			`route must be '*', an API path or one of GET /contact, POST /contact, GET /conversations, POST /send-whatsapp, POST /set-webhooks; got ${JSON.stringify(route)}`,
		);
		const res = await call('/__sandbox/fail-next', { key: null, method: 'POST', body: { fault: { status: 500 }, route } });
		expect(res.status).toBe(400);
		expect(sandbox.stats().queuedFaults).toBe(0);
	});

	test('route selectors normalise surrounding spaces', () => {
		expect(normalizeRouteSelector(' GET /conversations ')).toBe('GET /conversations');
		expect(normalizeRouteSelector('*')).toBe('*');
	});
});

describe('random faults on routes', () => {
	test("by default only /contact is hit; 'routes' picks others", async () => {
		sandbox.configure({ faults: { seed: 1, rate: 1, kinds: [{ status: 503, phase: 'before' }] } });
		expect(sandbox.options().faults.routes).toEqual(['/contact']);
		expect(await statusOf('GET /conversations')).toBe(200);
		expect(await statusOf('GET /contact')).toBe(503);

		sandbox.configure({ faults: { routes: ['GET /conversations', 'POST /send-whatsapp'] } });
		expect(await statusOf('GET /conversations')).toBe(503);
		expect(await statusOf('POST /send-whatsapp')).toBe(503);
		expect(await statusOf('GET /contact')).toBe(200);

		sandbox.configure({ faults: { routes: ['*'] } });
		for (const route of Object.keys(ROUTE_CALLS)) expect(await statusOf(route)).toBe(503);
	});

	test('a scripted fault for the route still comes first', async () => {
		sandbox.configure({ faults: { seed: 1, rate: 1, kinds: [{ status: 503 }], routes: ['*'] } });
		sandbox.failNext({ status: 429 }, 1, 'GET /conversations');
		expect(await statusOf('GET /conversations')).toBe(429);
	});

	test('invalid routes are refused', () => {
		expect(() => sandbox.configure({ faults: { rate: 0.5, routes: [] } })).toThrow(
			"faults.routes must be a non-empty array of routes, e.g. ['/contact', 'GET /conversations']",
		);
		expect(() => sandbox.configure({ faults: { rate: 0.5, routes: ['/nowhere'] } })).toThrow(TypeError);
		expect(sandbox.options().faults).toBeNull();
	});

	test('cli: --fault-routes', () => {
		expect(parseFaultRoutes('/contact, GET /conversations,*')).toEqual(['/contact', 'GET /conversations', '*']);
		expect(parseArgs(['--fault-routes', 'POST /send-whatsapp'], {})).toMatchObject({ faults: { seed: 1, rate: 0, routes: ['POST /send-whatsapp'] } });
		expect(parseArgs([], { FLOWIQ_SANDBOX_FAULT_ROUTES: '*' }).faults.routes).toEqual(['*']);
		expect(() => parseArgs(['--fault-routes', 'GET /nope'], {})).toThrow(/route must be/);
	});
});

describe('stats on every route', () => {
	test('in-flight counts requests on every API route, not unknown paths', async () => {
		sandbox.configure({ latencyMs: 100 });
		const pending = [...Object.values(ROUTE_CALLS).map((start) => start()), call('/nowhere')];
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(sandbox.stats().inFlight).toBe(4);
		await Promise.all(pending);
		expect(sandbox.stats()).toMatchObject({ inFlight: 0, maxInFlight: 4, requests: 5, byStatus: { 200: 3, 201: 1, 404: 1 } });
	});
});

describe('routing and revisions', () => {
	test.each([
		['POST', '/conversations', 'GET'],
		['GET', '/send-whatsapp', 'POST'],
		['PUT', '/send-whatsapp', 'POST'],
	])('%s %s answers 405 with Allow: %s', async (method, pathname, allow) => {
		const res = await call(pathname, { method });
		expect(res.status).toBe(405);
		expect(res.headers.get('allow')).toBe(allow);
		expect(res.body).toEqual({ success: false, error: 'Method not allowed', message: `${method} is not supported on ${pathname}` });
	});

	test("revision 'older' has no GET /contact: it answers like an unknown route", async () => {
		expect(sandbox.options().revision).toBe('current');
		sandbox.configure({ revision: 'older' });
		const missing = await call(`/contact?tenantId=acme&phone_number=${PHONES.existing}`);
		expect(missing.status).toBe(404);
		expect(missing.body).toEqual((await call('/nowhere')).body);
		expect(missing.body).toEqual({ success: false, error: 'Not found' });
		expect(await statusOf('POST /contact')).toBe(201);
		expect(await statusOf('GET /conversations')).toBe(200);
		const put = await call('/contact', { method: 'PUT' });
		expect(put.status).toBe(405);
		expect(put.headers.get('allow')).toBe('POST');

		sandbox.configure({ revision: 'current' });
		expect(await statusOf('GET /contact')).toBe(200);
	});

	test("a fault for GET /contact waits while the revision has no such route", async () => {
		sandbox.configure({ revision: 'older' });
		sandbox.failNext({ status: 500 }, 1, 'GET /contact');
		expect((await call(`/contact?phone_number=${PHONES.existing}`)).status).toBe(404);
		expect(sandbox.stats().queuedFaults).toBe(1);
	});

	test('revision is validated, over HTTP too, and read by the cli', async () => {
		expect(() => sandbox.configure({ revision: 'newest' })).toThrow('revision must be one of current, older');
		const res = await call('/__sandbox/configure', { key: null, method: 'POST', body: { revision: 'older' } });
		expect(res.body.options.revision).toBe('older');
		expect(parseArgs(['--revision', 'older'], {}).revision).toBe('older');
		expect(parseArgs([], { FLOWIQ_SANDBOX_REVISION: 'older' }).revision).toBe('older');
		expect(() => parseArgs(['--revision', 'v2'], {})).toThrow('--revision needs one of current, older, got "v2"');
	});
});

describe('request log', () => {
	test('new routes are logged like /contact, keys redacted', async () => {
		await call(`/conversations?tenantId=acme&action=contacts&apiKey=${KEYS.acme}`);
		await call('/send-whatsapp', { method: 'POST', key: KEYS.globex, body: { phone_number: PHONES.existing, message_type: 'text', text: 'x' } });
		sandbox.failNext({ status: 503 }, 1, 'GET /conversations');
		await call('/conversations?tenantId=acme&action=contacts', { key: null });
		expect(logLines).toHaveLength(3);
		expect(logLines[0]).toMatch(/^GET \/conversations\?tenantId=acme&action=contacts&apiKey=fiq_\[redacted\] 200 \d+ms org=acme$/);
		expect(logLines[1]).toMatch(/^POST \/send-whatsapp 400 \d+ms org=globex$/);
		expect(logLines[2]).toMatch(/^GET \/conversations\?tenantId=acme&action=contacts 503 \d+ms key=missing fault=503\/before$/);
		for (const line of logLines) for (const key of Object.values(KEYS)) expect(line).not.toContain(key);
	});
});
