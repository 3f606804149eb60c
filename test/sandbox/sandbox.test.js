'use strict';
/**
 * Exercises the FlowIQ sandbox through real HTTP on 127.0.0.1 with Node's global fetch: every
 * contract path, the fault machinery, the rate limit, stats, the control endpoints, logging and
 * the CLI. One sandbox is shared and reset before each test to keep the whole file fast.
 */
const path = require('node:path');
const { spawn } = require('node:child_process');
const { startSandbox, normalizeFault, mulberry32 } = require('../../sandbox/server');
const { parseArgs, parseFaultKinds } = require('../../sandbox/cli');
const { ORGS, DELETED_ORG, KEYS, API_KEYS, PHONES, SEED_CONTACTS, isOnWhatsApp } = require('../../sandbox/fixtures');
const { request } = require('./client');

jest.setTimeout(10000);

const ALL_KEYS = Object.values(KEYS);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sandbox;
const logLines = [];

function call(pathAndQuery, options) {
	return request(sandbox.url, pathAndQuery, options);
}

function createContact(body, options = {}) {
	return call(`/contact${options.query || ''}`, { method: 'POST', body, ...options });
}

/** Unique valid numbers per test, so tests never collide on the duplicate check. */
let phoneCounter = 0;
function freshPhone() {
	phoneCounter += 1;
	return `+2783${String(1000000 + phoneCounter).slice(-7)}`; // never ends in 0000 for < 10000 calls
}

beforeAll(async () => {
	sandbox = await startSandbox({ log: (line) => logLines.push(line) });
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	sandbox.configure({ latencyMs: 0, latencyJitterMs: 0, rateLimit: 0, requireName: true, faults: null, revision: 'current' });
	sandbox.reset();
	logLines.length = 0;
});

describe('fixtures', () => {
	test('keys are obviously fake and each maps to a known role', () => {
		for (const key of ALL_KEYS) expect(key).toMatch(/^fiq_sandbox_[a-z_]+$/);
		expect(API_KEYS[KEYS.unknown]).toBeUndefined();
		expect(API_KEYS[KEYS.revoked].revoked).toBe(true);
		expect(Object.values(ORGS).map((org) => org.id)).not.toContain(DELETED_ORG.id);
	});

	test('the documented not-on-WhatsApp rule: digits ending in 0000', () => {
		expect(isOnWhatsApp('27825550000')).toBe(false);
		expect(isOnWhatsApp('27825550001')).toBe(true);
		expect(isOnWhatsApp('27825550100')).toBe(true);
	});

	test('the sandbox listens on 127.0.0.1 only', () => {
		expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
	});
});

describe('authentication', () => {
	const cases = [
		['no Authorization header', { key: null }, 401, 'Invalid or missing API key', 'Authorization header with a Bearer API key is required'],
		['Basic instead of Bearer', { key: null, headers: { Authorization: 'Basic Zm9vOmJhcg==' } }, 401, 'Invalid or missing API key', 'Authorization header with a Bearer API key is required'],
		['Bearer without a token', { key: null, headers: { Authorization: 'Bearer ' } }, 401, 'Invalid or missing API key', 'Authorization header with a Bearer API key is required'],
		['token without fiq_ prefix', { key: 'eyJhbGciOiJIUzI1NiJ9.x.y' }, 401, 'Invalid token format', 'Bearer token must be an API key (fiq_...)'],
		['unknown fiq_ key', { key: KEYS.unknown }, 401, 'Invalid API key', 'API key not found'],
		['revoked key', { key: KEYS.revoked }, 401, 'Invalid API key', 'API key has been revoked'],
		['key of a deleted organisation', { key: KEYS.deletedOrg }, 404, 'Organization not found', 'Organization not found for API key'],
		['unknown tenantId', { query: '?tenantId=nobody' }, 404, 'Organization not found', 'Organization not found for tenant nobody'],
		['tenantId of another organisation', { query: '?tenantId=globex' }, 401, 'API key mismatch', 'API key does not belong to the specified organization'],
	];

	test.each(cases)('POST /contact with %s', async (_name, options, status, error, message) => {
		const res = await createContact({ name: 'A', phone_number: freshPhone() }, options);
		expect(res.status).toBe(status);
		expect(res.body).toEqual({ success: false, error, message });
	});

	test.each(cases)('GET /contact with %s', async (_name, options, status, error, message) => {
		const query = options.query ? `${options.query}&phone_number=${PHONES.existing}` : `?phone_number=${PHONES.existing}`;
		const res = await call(`/contact${query}`, options);
		expect(res.status).toBe(status);
		expect(res.body).toEqual({ success: false, error, message });
	});

	test('the bearer scheme is case-insensitive and a matching tenantId is accepted', async () => {
		const res = await createContact(
			{ name: 'A', phone_number: freshPhone() },
			{ key: null, headers: { Authorization: `bearer ${KEYS.globex}` }, query: '?tenantId=globex' },
		);
		expect(res.status).toBe(201);
		expect(res.body.contact.organization_id).toBe(ORGS.globex.id);
	});

	test('an auth failure creates nothing', async () => {
		await createContact({ name: 'A', phone_number: PHONES.fresh }, { key: KEYS.revoked });
		expect(sandbox.contacts('acme')).toHaveLength(SEED_CONTACTS.acme.length);
	});
});

describe('POST /contact', () => {
	test('201 with the documented contact shape', async () => {
		const before = Date.now();
		const res = await createContact(
			{ name: 'John Doe', phone_number: '+27 82 555 0123', email: 'john@example.com', tags: 'customer, premium, vip, ' },
			{ query: '?tenantId=acme' },
		);
		expect(res.status).toBe(201);
		expect(res.body.success).toBe(true);
		expect(res.body.message).toBe('Contact created successfully');
		const contact = res.body.contact;
		expect(contact).toEqual({
			id: expect.stringMatching(UUID),
			full_name: 'John Doe',
			whatsapp_id: '27825550123',
			phone_number: '+27 82 555 0123',
			email: 'john@example.com',
			tags: ['customer', 'premium', 'vip'],
			organization_id: ORGS.acme.id,
			bot_status: true,
			allow_broadcast: true,
			archived: false,
			blocked: false,
			active_status: false,
			has_unread_messages: false,
			source: { type: 'api' },
			created_at: expect.any(String),
			updated_at: expect.any(String),
		});
		expect(Date.parse(contact.created_at)).toBeGreaterThanOrEqual(before - 1000);
		expect(sandbox.contacts('acme').map((c) => c.id)).toContain(contact.id);
	});

	test('email defaults to null and tags to an empty array', async () => {
		const res = await createContact({ name: 'Min', phone_number: freshPhone() });
		expect(res.status).toBe(201);
		expect(res.body.contact.email).toBeNull();
		expect(res.body.contact.tags).toEqual([]);
	});

	test.each([
		['unparseable JSON', '{"name": "A",'],
		['a JSON array', '[1,2]'],
		['JSON null', 'null'],
		['a JSON string', '"hello"'],
		['an empty body', ''],
	])('400 Invalid request body for %s', async (_name, rawBody) => {
		const res = await call('/contact', { method: 'POST', rawBody, headers: { 'Content-Type': 'application/json' } });
		expect(res.status).toBe(400);
		expect(res.body).toMatchObject({ success: false, error: 'Invalid request body' });
		expect(typeof res.body.message).toBe('string');
	});

	test.each([
		['missing', { name: 'A' }],
		['empty', { name: 'A', phone_number: '' }],
		['null', { name: 'A', phone_number: null }],
	])('400 when phone_number is %s', async (_name, body) => {
		const res = await createContact(body);
		expect(res.status).toBe(400);
		expect(res.body).toEqual({ success: false, error: 'Missing required field', message: 'phone_number is required' });
	});

	test.each([
		['missing', { phone_number: PHONES.fresh }],
		['empty', { name: '  ', phone_number: PHONES.fresh }],
	])('400 when name is %s (requireName default)', async (_name, body) => {
		const res = await createContact(body);
		expect(res.status).toBe(400);
		expect(res.body).toEqual({ success: false, error: 'Missing required field', message: 'name is required' });
	});

	test('requireName: false simulates the later revision that accepts a missing name', async () => {
		sandbox.configure({ requireName: false });
		const res = await createContact({ phone_number: freshPhone() });
		expect(res.status).toBe(201);
		expect(res.body.contact.full_name).toBeNull();
	});

	test('400 Invalid phone number below 10 digits', async () => {
		for (const phone_number of [PHONES.tooShort, '12345', 'abc', '+1 (555) 01-2']) {
			const res = await createContact({ name: 'A', phone_number });
			expect(res.status).toBe(400);
			expect(res.body).toEqual({
				success: false,
				error: 'Invalid phone number',
				message: 'Phone number must include country code and be at least 10 digits',
			});
		}
	});

	test('400 Invalid WhatsApp number for digits ending in 0000', async () => {
		for (const phone_number of [PHONES.notOnWhatsApp, '+1 555 123 0000']) {
			const res = await createContact({ name: 'A', phone_number });
			expect(res.status).toBe(400);
			expect(res.body).toEqual({
				success: false,
				error: 'Invalid WhatsApp number',
				message: 'The provided phone number is not registered on WhatsApp',
			});
		}
	});

	test('409 for the seeded contact, whatever the formatting, with existing_contact', async () => {
		const seed = SEED_CONTACTS.acme[0];
		for (const phone_number of [PHONES.existing, '27825550100', '+27 82 555 0100', '(+27) 82-555-0100']) {
			const res = await createContact({ name: 'Someone', phone_number });
			expect(res.status).toBe(409);
			expect(res.body).toEqual({
				success: false,
				error: 'Contact already exists',
				message: 'A contact with this phone number already exists',
				existing_contact: { id: seed.id, full_name: 'Existing Customer', whatsapp_id: '27825550100' },
			});
		}
	});

	test('409 for a second create of a new number; other organisations are independent', async () => {
		const phone = freshPhone();
		const first = await createContact({ name: 'First', phone_number: phone });
		const second = await createContact({ name: 'Second', phone_number: phone });
		expect(second.status).toBe(409);
		expect(second.body.existing_contact).toEqual({
			id: first.body.contact.id,
			full_name: 'First',
			whatsapp_id: first.body.contact.whatsapp_id,
		});
		const globex = await createContact({ name: 'Globex copy', phone_number: PHONES.existing }, { key: KEYS.globex });
		expect(globex.status).toBe(201);
		expect(sandbox.contacts('globex')).toHaveLength(1);
	});

	test('concurrent creates of one number: exactly one 201', async () => {
		sandbox.configure({ latencyMs: 20 });
		const phone = freshPhone();
		const results = await Promise.all(
			Array.from({ length: 5 }, () => createContact({ name: 'Race', phone_number: phone })),
		);
		expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
	});
});

describe('GET /contact', () => {
	test('200 by phone_number or whatsapp_id, digits compared', async () => {
		for (const query of ['phone_number=%2B27825550100', 'phone_number=27%20825%20550%20100', 'whatsapp_id=27825550100']) {
			const res = await call(`/contact?tenantId=acme&${query}`);
			expect(res.status).toBe(200);
			expect(res.body.success).toBe(true);
			expect(res.body.contact).toMatchObject({
				id: SEED_CONTACTS.acme[0].id,
				full_name: 'Existing Customer',
				whatsapp_id: '27825550100',
				contact_summary: null,
				contact_summary_updated_at: null,
			});
		}
	});

	test('finds a contact created through the API', async () => {
		const phone = freshPhone();
		const created = await createContact({ name: 'New', phone_number: phone });
		const res = await call(`/contact?phone_number=${encodeURIComponent(phone)}`);
		expect(res.status).toBe(200);
		expect(res.body.contact.id).toBe(created.body.contact.id);
	});

	test('404 for an unknown number and for another organisation\'s contact', async () => {
		for (const [key, phone] of [[KEYS.acme, '27825559999'], [KEYS.globex, '27825550100']]) {
			const res = await call(`/contact?phone_number=${phone}`, { key });
			expect(res.status).toBe(404);
			expect(res.body).toEqual({ success: false, error: 'Contact not found', message: 'No contact with this phone number' });
		}
	});

	test('400 when neither phone_number nor whatsapp_id is given', async () => {
		const res = await call('/contact?tenantId=acme');
		expect(res.status).toBe(400);
		expect(res.body).toEqual({
			success: false,
			error: 'Missing required field',
			message: 'phone_number or whatsapp_id is required',
		});
	});
});

describe('routing', () => {
	test('404 Not found for other paths', async () => {
		for (const pathname of ['/', '/contacts', '/contact/123', '/__sandboxx']) {
			const res = await call(pathname);
			expect(res.status).toBe(404);
			expect(res.body).toMatchObject({ success: false, error: 'Not found' });
		}
	});

	test('405 for other methods on /contact', async () => {
		for (const method of ['PUT', 'DELETE', 'PATCH']) {
			const res = await call('/contact', { method });
			expect(res.status).toBe(405);
			expect(res.headers.get('allow')).toBe('GET, POST');
			expect(res.body.success).toBe(false);
		}
	});
});

describe('scripted faults (failNext)', () => {
	test('429 with Retry-After in seconds, then normal service', async () => {
		sandbox.failNext({ status: 429, retryAfter: 2 });
		const phone = freshPhone();
		const limited = await createContact({ name: 'A', phone_number: phone });
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('2');
		expect(limited.body).toEqual({ success: false, error: 'Too many requests', message: 'Rate limit exceeded' });
		// 'before' (the default): nothing was processed.
		expect(sandbox.contacts().some((c) => c.whatsapp_id === phone.replace(/\D/g, ''))).toBe(false);
		expect((await createContact({ name: 'A', phone_number: phone })).status).toBe(201);
	});

	test('429 with Retry-After as an HTTP date', async () => {
		sandbox.failNext({ status: 429, retryAfterDate: true, retryAfter: 2 });
		const res = await createContact({ name: 'A', phone_number: freshPhone() });
		expect(res.status).toBe(429);
		const header = res.headers.get('retry-after');
		expect(header).toMatch(/GMT$/);
		const waitMs = Date.parse(header) - Date.now();
		expect(waitMs).toBeGreaterThan(0);
		expect(waitMs).toBeLessThanOrEqual(2000);
	});

	test('429 without Retry-After', async () => {
		sandbox.failNext({ status: 429 });
		const res = await createContact({ name: 'A', phone_number: freshPhone() });
		expect(res.status).toBe(429);
		expect(res.headers.get('retry-after')).toBeNull();
	});

	test.each([500, 502, 503, 504])('%i answers that status with a JSON error body', async (status) => {
		sandbox.failNext({ status });
		const res = await createContact({ name: 'A', phone_number: freshPhone() });
		expect(res.status).toBe(status);
		expect(res.body.success).toBe(false);
		expect(typeof res.body.error).toBe('string');
	});

	test('html: true answers a non-JSON gateway page', async () => {
		sandbox.failNext({ status: 502, html: true });
		const res = await createContact({ name: 'A', phone_number: freshPhone() });
		expect(res.status).toBe(502);
		expect(res.headers.get('content-type')).toMatch(/text\/html/);
		expect(res.body).toContain('<html>');
	});

	test('echo repeats the request\'s Authorization header in that answer only', async () => {
		sandbox.failNext({ status: 500, echo: true });
		sandbox.failNext({ status: 500 });
		const echoed = await createContact({ name: 'A', phone_number: freshPhone() });
		const plain = await createContact({ name: 'A', phone_number: freshPhone() });
		expect(echoed.body.message).toBe(`Failed to create contact; request had Authorization: Bearer ${KEYS.acme}`);
		expect(plain.body.message).toBe('Failed to create contact');
	});

	test('drop destroys the socket without an answer and creates nothing', async () => {
		sandbox.failNext({ kind: 'drop' });
		const phone = freshPhone();
		await expect(createContact({ name: 'A', phone_number: phone })).rejects.toThrow();
		expect(sandbox.contacts()).toHaveLength(SEED_CONTACTS.acme.length);
		expect(sandbox.stats().dropped).toBe(1);
	});

	test("phase 'after': created, but the answer is lost; the retry sees 409", async () => {
		const phone = freshPhone();
		sandbox.failNext({ status: 502, phase: 'after' });
		const lost = await createContact({ name: 'Lost', phone_number: phone });
		expect(lost.status).toBe(502);
		const stored = sandbox.contacts().filter((c) => c.whatsapp_id === phone.replace(/\D/g, ''));
		expect(stored).toHaveLength(1);
		const retry = await createContact({ name: 'Lost', phone_number: phone });
		expect(retry.status).toBe(409);
		expect(retry.body.existing_contact.id).toBe(stored[0].id);
		expect(logLines.some((line) => line.includes('fault=502/after'))).toBe(true);
	});

	test("drop with phase 'after': created, then the socket is destroyed", async () => {
		const phone = freshPhone();
		sandbox.failNext({ kind: 'drop', phase: 'after' });
		await expect(createContact({ name: 'A', phone_number: phone })).rejects.toThrow();
		expect(sandbox.contacts()).toHaveLength(SEED_CONTACTS.acme.length + 1);
		expect((await createContact({ name: 'A', phone_number: phone })).status).toBe(409);
	});

	test.each(['before', 'after'])("slow (%s) answers normally, but late", async (phase) => {
		sandbox.failNext({ kind: 'slow', delayMs: 150, phase });
		const started = Date.now();
		const res = await createContact({ name: 'A', phone_number: freshPhone() });
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		expect(res.status).toBe(201);
		expect(sandbox.stats().faultsInjected).toEqual({ slow: 1 });
	});

	test('faults are used in arrival order, count repeats one, and only /contact consumes them', async () => {
		sandbox.failNext({ status: 503 }, 2);
		sandbox.failNext({ status: 500 });
		expect(sandbox.stats().queuedFaults).toBe(3);
		// Neither the control endpoints nor unknown paths take a queued fault.
		expect((await call('/nowhere')).status).toBe(404);
		expect((await call('/__sandbox/stats', { key: null })).status).toBe(200);
		const statuses = [];
		for (let i = 0; i < 4; i += 1) statuses.push((await createContact({ name: 'A', phone_number: freshPhone() })).status);
		expect(statuses).toEqual([503, 503, 500, 201]);
		expect(sandbox.stats().faultsInjected).toEqual({ 503: 2, 500: 1 });
	});

	test('GET /contact takes faults too', async () => {
		sandbox.failNext({ status: 504 });
		expect((await call(`/contact?phone_number=${PHONES.existing}`)).status).toBe(504);
		expect((await call(`/contact?phone_number=${PHONES.existing}`)).status).toBe(200);
	});

	test('invalid faults are refused', () => {
		expect(() => sandbox.failNext({ status: 200 })).toThrow(TypeError);
		expect(() => sandbox.failNext({ kind: 'explode' })).toThrow(TypeError);
		expect(() => sandbox.failNext({ status: 500, phase: 'during' })).toThrow(TypeError);
		expect(() => sandbox.failNext({ status: 500 }, 0)).toThrow(TypeError);
		expect(() => normalizeFault(null)).toThrow(TypeError);
	});
});

describe('random faults', () => {
	async function statusesFor(count) {
		const statuses = [];
		for (let i = 0; i < count; i += 1) {
			const res = await call(`/contact?phone_number=${PHONES.existing}`);
			statuses.push(res.status);
		}
		return statuses;
	}

	test('the same seed replays the same faults', async () => {
		const faults = { seed: 7, rate: 0.5, kinds: [{ status: 503 }, { status: 500 }] };
		sandbox.configure({ faults });
		const first = await statusesFor(30);
		sandbox.configure({ faults });
		const second = await statusesFor(30);
		expect(second).toEqual(first);
		// reset() reseeds as well.
		sandbox.reset();
		expect(await statusesFor(30)).toEqual(first);

		const injected = first.filter((s) => s !== 200).length;
		expect(injected).toBeGreaterThan(5);
		expect(injected).toBeLessThan(25);
		expect(first).toContain(500);
		expect(first).toContain(503);

		sandbox.configure({ faults: { seed: 8 } });
		expect(await statusesFor(30)).not.toEqual(first);
	});

	test('rate 1 injects on every /contact request with both phases; rate 0 never', async () => {
		sandbox.configure({ faults: { seed: 3, rate: 1, kinds: [{ status: 502 }] } });
		expect(await statusesFor(20)).toEqual(Array(20).fill(502));
		const phases = logLines.map((line) => /fault=502\/(before|after)/.exec(line)[1]);
		expect(new Set(phases)).toEqual(new Set(['before', 'after']));
		sandbox.configure({ faults: { rate: 0 } });
		expect(await statusesFor(5)).toEqual(Array(5).fill(200));
	});

	test('a random after-phase fault still creates the contact', async () => {
		sandbox.configure({ faults: { seed: 1, rate: 1, kinds: [{ status: 500, phase: 'after' }] } });
		const phone = freshPhone();
		expect((await createContact({ name: 'A', phone_number: phone })).status).toBe(500);
		sandbox.configure({ faults: null });
		expect((await createContact({ name: 'A', phone_number: phone })).status).toBe(409);
	});

	test('mulberry32 is deterministic', () => {
		const a = mulberry32(42);
		const b = mulberry32(42);
		const valuesA = Array.from({ length: 5 }, () => a());
		expect(Array.from({ length: 5 }, () => b())).toEqual(valuesA);
		for (const value of valuesA) {
			expect(value).toBeGreaterThanOrEqual(0);
			expect(value).toBeLessThan(1);
		}
	});

	test('invalid random fault options are refused', () => {
		expect(() => sandbox.configure({ faults: { rate: 2 } })).toThrow(TypeError);
		expect(() => sandbox.configure({ faults: { rate: 0.1, kinds: [] } })).toThrow(TypeError);
		expect(() => sandbox.configure({ latencyMs: -1 })).toThrow(TypeError);
	});
});

describe('rate limit and latency', () => {
	test('over the limit answers 429 with Retry-After in whole seconds; the window slides', async () => {
		sandbox.configure({ rateLimit: 5 });
		const results = [];
		for (let i = 0; i < 8; i += 1) results.push(await call(`/contact?phone_number=${PHONES.existing}`));
		expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
		const limited = results[5];
		expect(limited.body).toEqual({ success: false, error: 'Too many requests', message: 'Rate limit exceeded' });
		expect(limited.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
		expect(sandbox.stats().rateLimited).toBe(3);
		// The control endpoints are never limited.
		expect((await call('/__sandbox/stats', { key: null })).status).toBe(200);

		await new Promise((resolve) => setTimeout(resolve, 1050));
		expect((await call(`/contact?phone_number=${PHONES.existing}`)).status).toBe(200);
	});

	test('latencyMs delays every answer', async () => {
		sandbox.configure({ latencyMs: 120, latencyJitterMs: 20 });
		const started = Date.now();
		const res = await call('/nowhere');
		const elapsed = Date.now() - started;
		expect(res.status).toBe(404);
		expect(elapsed).toBeGreaterThanOrEqual(115);
		expect(elapsed).toBeLessThan(1000);
	});
});

describe('stats, state and reset', () => {
	test('counts requests, statuses, faults and the peak of concurrent /contact requests', async () => {
		sandbox.configure({ latencyMs: 100 });
		await Promise.all(Array.from({ length: 6 }, () => createContact({ name: 'A', phone_number: freshPhone() })));
		sandbox.configure({ latencyMs: 0 });
		sandbox.failNext({ kind: 'drop' });
		await expect(createContact({ name: 'A', phone_number: freshPhone() })).rejects.toThrow();
		sandbox.failNext({ status: 503 });
		await createContact({ name: 'A', phone_number: freshPhone() });
		await call('/nowhere');

		const stats = sandbox.stats();
		expect(stats).toMatchObject({
			requests: 9,
			byStatus: { 201: 6, 503: 1, 404: 1 },
			dropped: 1,
			inFlight: 0,
			maxInFlight: 6,
			faultsInjected: { drop: 1, 503: 1 },
		});

		sandbox.resetStats();
		expect(sandbox.stats()).toMatchObject({ requests: 0, byStatus: {}, dropped: 0, maxInFlight: 0, faultsInjected: {} });
	});

	test("'slow' counts as in flight", async () => {
		sandbox.failNext({ kind: 'slow', delayMs: 150 });
		const pending = createContact({ name: 'A', phone_number: freshPhone() });
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(sandbox.stats().inFlight).toBe(1);
		await pending;
		expect(sandbox.stats().inFlight).toBe(0);
	});

	test('reset restores the seeds and clears queued faults and stats', async () => {
		await createContact({ name: 'A', phone_number: freshPhone() });
		sandbox.failNext({ status: 500 }, 3);
		sandbox.reset();
		expect(sandbox.contacts('acme')).toEqual(SEED_CONTACTS.acme.map((c) => ({ ...c, tags: [...c.tags], source: { ...c.source } })));
		expect(sandbox.contacts('globex')).toEqual([]);
		expect(sandbox.stats()).toMatchObject({ requests: 0, queuedFaults: 0 });
		expect(() => sandbox.contacts('nobody')).toThrow(RangeError);
	});

	test('contacts() hands out copies', () => {
		sandbox.contacts('acme')[0].full_name = 'Changed';
		expect(sandbox.contacts('acme')[0].full_name).toBe('Existing Customer');
	});
});

describe('control endpoints over HTTP (no auth)', () => {
	async function control(pathname, body) {
		return call(`/__sandbox/${pathname}`, { key: null, method: body === undefined ? 'GET' : 'POST', rawBody: body === undefined ? undefined : JSON.stringify(body) });
	}

	test('stats, contacts, configure, fail-next and reset', async () => {
		const contacts = await control('contacts?org=acme');
		expect(contacts.status).toBe(200);
		expect(contacts.body.map((c) => c.full_name)).toEqual(['Existing Customer', 'Quiet Customer']);
		expect((await control('contacts?org=nobody')).status).toBe(404);

		const configured = await control('configure', { latencyMs: 30, faults: { seed: 5, rate: 0 } });
		expect(configured.status).toBe(200);
		expect(configured.body.options).toMatchObject({ latencyMs: 30, faults: { seed: 5, rate: 0 } });
		expect(sandbox.options().latencyMs).toBe(30);

		const queued = await control('fail-next', { fault: { status: 503, phase: 'after' }, count: 2 });
		expect(queued.body).toEqual({ success: true, queued: 2 });
		expect((await createContact({ name: 'A', phone_number: freshPhone() })).status).toBe(503);

		const stats = await control('stats');
		expect(stats.body).toMatchObject({ requests: 1, byStatus: { 503: 1 }, faultsInjected: { 503: 1 }, queuedFaults: 1 });

		expect((await control('reset', {})).body).toEqual({ success: true });
		expect(sandbox.contacts('acme')).toHaveLength(SEED_CONTACTS.acme.length);
		expect(sandbox.stats().queuedFaults).toBe(0);
	});

	test('bad control requests answer 400/404/405', async () => {
		expect((await control('configure', { latencyMs: 'fast' })).status).toBe(400);
		expect((await control('fail-next', { fault: { status: 200 } })).status).toBe(400);
		expect((await call('/__sandbox/configure', { key: null, method: 'POST', rawBody: '{nope' })).status).toBe(400);
		expect((await control('stats', {})).status).toBe(405);
		expect((await control('nothing')).status).toBe(404);
	});
});

describe('logging', () => {
	test('one line per request, with org or key status and fault, never the key', async () => {
		await createContact({ name: 'A', phone_number: freshPhone() }, { query: '?tenantId=acme' });
		await createContact({ name: 'A', phone_number: freshPhone() }, { key: KEYS.unknown });
		await createContact({ name: 'A', phone_number: freshPhone() }, { key: KEYS.revoked });
		await createContact({ name: 'A', phone_number: freshPhone() }, { key: KEYS.deletedOrg });
		await createContact({ name: 'A', phone_number: freshPhone() }, { key: 'not_a_fiq_token' });
		await call(`/contact?apiKey=${KEYS.globex}&phone_number=${PHONES.existing}`, { key: KEYS.globex });
		sandbox.failNext({ status: 502, phase: 'after' });
		await createContact({ name: 'A', phone_number: freshPhone() }, { key: KEYS.globex });

		const apiLines = logLines.filter((line) => !line.includes('/__sandbox/'));
		expect(apiLines).toHaveLength(7);
		expect(apiLines[0]).toMatch(/^POST \/contact\?tenantId=acme 201 \d+ms org=acme$/);
		expect(apiLines[1]).toMatch(/ 401 \d+ms key=unknown$/);
		expect(apiLines[2]).toMatch(/ key=revoked$/);
		expect(apiLines[3]).toMatch(/ 404 \d+ms key=deleted-org$/);
		expect(apiLines[4]).toMatch(/ key=invalid-format$/);
		expect(apiLines[5]).toContain('apiKey=fiq_[redacted]');
		expect(apiLines[6]).toMatch(/ 502 \d+ms org=globex fault=502\/after$/);
		for (const line of logLines) {
			for (const key of ALL_KEYS) expect(line).not.toContain(key);
			expect(line).not.toMatch(/bearer|authorization|not_a_fiq_token/i);
		}
	});

	test('quiet: true writes nothing', async () => {
		sandbox.configure({ quiet: true });
		try {
			await createContact({ name: 'A', phone_number: freshPhone() });
			expect(logLines).toHaveLength(0);
		} finally {
			sandbox.configure({ quiet: false });
		}
	});
});

describe('lifecycle', () => {
	test('close() ends keep-alive and in-flight connections', async () => {
		const other = await startSandbox({ quiet: true });
		const ok = await fetch(`${other.url}/__sandbox/health`); // leaves a keep-alive socket open
		expect(ok.status).toBe(200);
		await ok.text();
		other.failNext({ kind: 'slow', delayMs: 5000 });
		const hanging = fetch(`${other.url}/contact?phone_number=1`, { headers: { Authorization: `Bearer ${KEYS.acme}` } });
		await new Promise((resolve) => setTimeout(resolve, 50));
		const started = Date.now();
		await other.close();
		expect(Date.now() - started).toBeLessThan(1000);
		await expect(hanging).rejects.toThrow();
		await expect(fetch(`${other.url}/__sandbox/health`)).rejects.toThrow();
		await other.close(); // idempotent
	});

	test('a taken port rejects', async () => {
		await expect(startSandbox({ quiet: true, port: sandbox.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
	});
});

describe('cli', () => {
	test('flags, env vars (flags win) and defaults', () => {
		expect(parseArgs([], {})).toEqual({
			port: 4010,
			latencyMs: 0,
			latencyJitterMs: 0,
			rateLimit: 0,
			requireName: true,
			quiet: false,
			revision: 'current',
		});
		expect(
			parseArgs(['--port', '4011', '--latency', '50', '--fault-rate', '0.2', '--rate-limit', '20', '--seed', '7', '--quiet'], {
				FLOWIQ_SANDBOX_PORT: '5000',
				FLOWIQ_SANDBOX_LATENCY_JITTER: '10',
				FLOWIQ_SANDBOX_REQUIRE_NAME: 'false',
			}),
		).toEqual({
			port: 4011,
			latencyMs: 50,
			latencyJitterMs: 10,
			rateLimit: 20,
			requireName: false,
			quiet: true,
			revision: 'current',
			faults: { seed: 7, rate: 0.2 },
		});
		expect(parseArgs(['--port=0'], { FLOWIQ_SANDBOX_FAULT_RATE: '0.5', FLOWIQ_SANDBOX_QUIET: '1' })).toMatchObject({
			port: 0,
			quiet: true,
			faults: { seed: 1, rate: 0.5 },
		});
		expect(parseArgs(['--help'], {})).toEqual({ help: true });
		expect(() => parseArgs(['--fault-rate', '2'], {})).toThrow(/fault-rate/);
		expect(() => parseArgs(['--bogus'], {})).toThrow(/unknown argument/);
		expect(() => parseArgs(['--port'], {})).toThrow(/needs a value/);
	});

	test('fault kinds list', () => {
		expect(parseFaultKinds('429, 429-date,429-bare,502@after,drop,slow:300')).toEqual([
			{ status: 429, retryAfter: 1 },
			{ status: 429, retryAfter: 1, retryAfterDate: true },
			{ status: 429 },
			{ status: 502, phase: 'after' },
			{ kind: 'drop' },
			{ kind: 'slow', delayMs: 300 },
		]);
		expect(() => parseFaultKinds('418')).toThrow(/unknown fault kind/);
	});

	test('runs as a process: prints its URL and key names, serves, stops on SIGTERM', async () => {
		const child = spawn(process.execPath, [path.join(__dirname, '..', '..', 'sandbox', 'cli.js'), '--port', '0', '--quiet'], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		try {
			let output = '';
			const url = await new Promise((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`no URL line; got: ${output}`)), 5000);
				child.stdout.on('data', (chunk) => {
					output += chunk;
					const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
					if (match && output.includes('control:')) {
						clearTimeout(timer);
						resolve(match[1]);
					}
				});
				child.once('exit', (code) => reject(new Error(`exited early (${code}): ${output}`)));
			});
			expect(output).toContain(`acme key: ${KEYS.acme}`);
			expect(output).toContain(`globex key: ${KEYS.globex}`);
			const res = await fetch(`${url}/contact?phone_number=${PHONES.existing}`, { headers: { Authorization: `Bearer ${KEYS.acme}` } });
			expect(res.status).toBe(200);
			await res.text();

			const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
		} finally {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		}
	});
});
