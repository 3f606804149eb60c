import type { IDataObject } from 'n8n-workflow';

import { ENGINE_MAJOR } from '../../scripts/engine';
import { fixtures, freshPhone, lead, pairedIndexes, runFlowIq, untilStats, useSandbox } from './harness';

const sandbox = useSandbox();

describe('Create Contact routes every item to a named output', () => {
	it('sends Created, Duplicate and Invalid items with pairedItem, in input order', async () => {
		const clean = lead({ name: '  Thandi   Nkosi ', phone: '+27 82 123 4567', email: ' thandi@example.com ', tags: 'lead, vip, VIP,' });
		const national = lead({ name: 'Pieter', phone: '082 765 4321' });
		const notOnWhatsApp = lead({ name: 'Nobody', phone: '+27 82 555 0000' });
		const badEmail = lead({ name: 'Lerato', email: 'lerato@@example.com' });
		const repeat = lead({ name: 'Thandi again', phone: '0027821234567' });
		const existing = lead({ name: 'Existing', phone: '+27 82 555 0100' });
		const noName = lead({ name: '   ' });

		const { outputs, error } = await runFlowIq({
			sandbox,
			items: [clean, national, notOnWhatsApp, badEmail, repeat, existing, noName],
			options: { defaultCountry: 'ZA' },
		});

		expect(error).toBeUndefined();
		expect(outputs).toHaveLength(3);
		expect(pairedIndexes(outputs)).toEqual([[0, 1], [4, 5], [2, 3, 6]]);

		const [created, duplicate, invalid] = outputs;
		const stored = sandbox.contacts('acme');
		expect(stored).toContainEqual(expect.objectContaining({ ...created[0].json, tags: ['lead', 'vip'] }));
		expect(created[0].json).toMatchObject({
			full_name: 'Thandi Nkosi',
			phone_number: '+27821234567',
			whatsapp_id: '27821234567',
			email: 'thandi@example.com',
			tags: ['lead', 'vip'],
		});
		expect(created[1].json).toMatchObject({ full_name: 'Pieter', phone_number: '+27827654321' });

		expect(duplicate[0].json).toEqual({
			existing_contact: { id: created[0].json.id, full_name: 'Thandi Nkosi', whatsapp_id: '27821234567' },
			submitted: { name: 'Thandi again', phone_number: '+27821234567' },
			message: 'Same phone number as item 1 earlier in this run',
		});
		expect(duplicate[1].json).toEqual({
			existing_contact: { id: fixtures.SEED_CONTACTS.acme[0].id, full_name: 'Existing Customer', whatsapp_id: '27825550100' },
			submitted: { name: 'Existing', phone_number: '+27825550100' },
			message: 'A contact with this phone number already exists',
		});

		expect(invalid.map((item) => item.json)).toEqual([
			{
				error: 'Invalid WhatsApp number',
				message: 'The provided phone number is not registered on WhatsApp',
				reason: 'not_on_whatsapp',
				source: 'api',
				submitted: { name: 'Nobody', phone_number: '+27825550000' },
			},
			{
				error: 'Invalid email',
				message: 'Email "lerato@@example.com" is not a valid address (expected name@example.com)',
				reason: 'invalid_email',
				source: 'local',
				submitted: { name: 'Lerato', phone_number: badEmail.phone, email: 'lerato@@example.com' },
			},
			expect.objectContaining({ reason: 'missing_name', source: 'local' }),
		]);
		// Local rejections and the in-run repeat cost no request.
		expect(sandbox.stats().requests).toBe(4);
	});

	it('sends phone numbers that arrive as JSON numbers as E.164 text', async () => {
		const { outputs } = await runFlowIq({ sandbox, items: [lead({ phone: 27831234567 })] });
		expect(outputs[0][0].json.phone_number).toBe('+27831234567');
	});

	it('accepts tags as a list from an expression', async () => {
		const { outputs } = await runFlowIq({ sandbox, items: [lead({ tags: ['a', 'b, a', ''] })] });
		expect(outputs[0][0].json.tags).toEqual(['a', 'b']);
	});

	it('sends the tenant ID and refuses a key from another organisation', async () => {
		const { error } = await runFlowIq({ sandbox, items: [lead()], credentials: { apiKey: fixtures.KEYS.globex } });
		expect(error).toMatchObject({ httpCode: '401' });
		expect(error?.message).toMatch(/API key does not belong to the specified organization/);
		expect(error?.description).toMatch(/Tenant ID/);
	});

	it('works without a tenant ID', async () => {
		const { outputs } = await runFlowIq({ sandbox, items: [lead()], credentials: { tenantId: '' } });
		expect(outputs[0]).toHaveLength(1);
	});

	it('keeps at most Max Concurrency requests in flight', async () => {
		sandbox.configure({ latencyMs: 30 });
		const { outputs } = await runFlowIq({
			sandbox,
			items: Array.from({ length: 24 }, () => lead()),
			options: { maxConcurrency: 3 },
		});
		expect(outputs[0]).toHaveLength(24);
		expect(sandbox.stats().maxInFlight).toBe(3);
		sandbox.configure({ latencyMs: 0 });
	});
});

describe('Failures that are not about one item', () => {
	const revoked = { apiKey: fixtures.KEYS.revoked };

	it('stops the workflow with FlowIQ’s words, the status and what to do next', async () => {
		const { error, outputs } = await runFlowIq({
			sandbox,
			items: Array.from({ length: 10 }, () => lead()),
			credentials: revoked,
			options: { maxConcurrency: 2 },
		});
		expect(error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '401',
			message: 'FlowIQ answered 401 (Invalid API key): API key has been revoked',
			description: expect.stringMatching(/Check the API key in the FlowIQ API credential/),
		});
		expect(outputs.flat()).toHaveLength(0);
		// Every item would fail alike: nothing is sent after the first answer.
		expect(sandbox.stats().requests).toBeLessThanOrEqual(2);
	});

	it('with "Continue", puts every item on the first output as { error, message }', async () => {
		const { error, outputs } = await runFlowIq({
			sandbox,
			items: Array.from({ length: 10 }, () => lead()),
			credentials: revoked,
			options: { maxConcurrency: 2 },
			settings: { onError: 'continueRegularOutput' },
		});
		expect(error).toBeUndefined();
		expect(pairedIndexes(outputs)).toEqual([[...Array(10).keys()], [], []]);
		for (const item of outputs[0]) {
			expect(item.json).toEqual({
				error: 'FlowIQ answered 401 (Invalid API key): API key has been revoked',
				message: expect.stringMatching(/Check the API key in the FlowIQ API credential/),
			});
		}
		expect(sandbox.stats().requests).toBeLessThanOrEqual(2);
	});

	it('with "Continue (using error output)", puts every failed item on the error output, and Invalid items stay Invalid', async () => {
		const { error, outputs } = await runFlowIq({
			sandbox,
			items: [lead(), lead({ email: 'not-an-email' }), lead()],
			credentials: revoked,
			settings: { onError: 'continueErrorOutput' },
		});
		expect(error).toBeUndefined();
		expect(outputs).toHaveLength(4);
		expect(pairedIndexes(outputs)).toEqual([[], [], [1], [0, 2]]);
		expect(outputs[2][0].json).toMatchObject({ reason: 'invalid_email', error: 'Invalid email' });
		expect(outputs[3][0].json).toMatchObject({ error: expect.stringMatching(/revoked/) });
	});

	it.each([
		[{ apiKey: 'sk_live_abc' }, /must start with fiq_/],
		[{ baseUrl: 'ftp://api.flowiq.live' }, /must start with https:\/\/, not ftp/],
	])('refuses a bad credential %p before any request', async (credentials, message) => {
		const { error } = await runFlowIq({ sandbox, items: [lead()], credentials });
		expect(error?.message).toMatch(message);
		expect(sandbox.stats().requests).toBe(0);
	});

	it('names an unknown tenant', async () => {
		const { error } = await runFlowIq({ sandbox, items: [lead()], credentials: { tenantId: 'nope' } });
		expect(error).toMatchObject({ httpCode: '404', message: expect.stringMatching(/Organization not found/) });
	});
});

describe('Retries', () => {
	const fast = { maxRetries: 3 };

	it('honours Retry-After on a 429 and then succeeds', async () => {
		sandbox.failNext({ status: 429, retryAfter: 1 });
		const started = Date.now();
		const { outputs } = await runFlowIq({ sandbox, items: [lead()], options: fast });
		expect(outputs[0]).toHaveLength(1);
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(sandbox.stats().byStatus).toMatchObject({ 429: 1, 201: 1 });
	});

	it('retries 502, 503, 504 and dropped connections', async () => {
		sandbox.failNext({ status: 503 });
		sandbox.failNext({ status: 504 });
		sandbox.failNext({ kind: 'drop' });
		const { outputs } = await runFlowIq({ sandbox, items: [lead()], options: fast });
		expect(outputs[0]).toHaveLength(1);
		expect(sandbox.stats().requests).toBe(4);
	});

	it('reports its own contact as Created when a retry meets the contact a lost answer hid', async () => {
		sandbox.failNext({ status: 502, phase: 'after' });
		const item = lead();
		const { outputs } = await runFlowIq({ sandbox, items: [item], options: fast });
		expect(pairedIndexes(outputs)).toEqual([[0], [], []]);
		const stored = sandbox.contacts('acme').filter((contact: { phone_number: string }) => contact.phone_number === item.phone);
		expect(stored).toHaveLength(1);
		// The stored contact, marked as recovered by the look-up rather than created in one answer.
		expect(outputs[0][0].json).toEqual({ ...stored[0], recovered: true });
		// POST (502), POST (409), then the read-only look-up.
		expect(sandbox.stats().byStatus).toEqual({ 502: 1, 409: 1, 200: 1 });
	});

	it('keeps a contact that existed before the lost answer a Duplicate, marked after_retry', async () => {
		sandbox.failNext({ status: 504 });
		const { outputs } = await runFlowIq({ sandbox, items: [lead({ phone: '+27 82 555 0100' })], options: fast });
		expect(pairedIndexes(outputs)).toEqual([[], [0], []]);
		expect(outputs[1][0].json).toMatchObject({
			after_retry: true,
			existing_contact: { id: fixtures.SEED_CONTACTS.acme[0].id },
		});
	});

	it.each([
		['409', { phone: '+27825550100' }, undefined],
		['401', {}, { status: 401 }],
	])('never retries a %s', async (_status, fields, fault) => {
		if (fault) sandbox.failNext(fault);
		await runFlowIq({ sandbox, items: [lead(fields)], options: fast, settings: { onError: 'continueRegularOutput' } });
		expect(sandbox.stats().requests).toBe(1);
	});

	it('retries a 500, which a repeat cannot harm: FlowIQ answers a second create with 409', async () => {
		sandbox.failNext({ status: 500 }, 2);
		const { outputs } = await runFlowIq({ sandbox, items: [lead()], options: fast });
		expect(pairedIndexes(outputs)).toEqual([[0], [], []]);
		expect(sandbox.stats().byStatus).toEqual({ 500: 2, 201: 1 });
	});

	it('gives up after Max Retries and says the outcome is unknown after a timeout', async () => {
		sandbox.failNext({ kind: 'slow', delayMs: 1500 }, 2);
		const { error } = await runFlowIq({ sandbox, items: [lead()], options: { maxRetries: 1, timeout: 1000 } });
		expect(error?.message).toMatch(/did not answer within 1000 ms: the outcome is unknown/);
		expect(sandbox.stats().requests).toBe(2);
	});

	it('with n8n’s "Retry On Fail", never reports a contact it created as a Duplicate', async () => {
		const items = [lead(), lead(), lead()];
		// The first item fails once; the others are created on the first try.
		sandbox.failNext({ status: 500 });
		const { outputs, error } = await runFlowIq({
			sandbox,
			items,
			options: { maxConcurrency: 1 },
			settings: { onError: 'continueRegularOutput', retryOnFail: true, maxTries: 2, waitBetweenTries: 1 },
		});
		expect(error).toBeUndefined();
		expect(pairedIndexes(outputs)).toEqual([[0, 1, 2], [], []]);
		expect(outputs[0].every((item) => !item.json.error)).toBe(true);
		expect(sandbox.contacts('acme')).toHaveLength(fixtures.SEED_CONTACTS.acme.length + items.length);
		// Second try: one request for the item that failed, none for those already created.
		expect(sandbox.stats().requests).toBe(4);
	});

	it('with n8n’s "Retry On Fail", reports as Created the contact a first try’s lost answer hid', async () => {
		const item = lead();
		// FlowIQ created the contact, then answered 500; the next try meets it as a 409.
		sandbox.failNext({ status: 500, phase: 'after' });
		const { outputs } = await runFlowIq({
			sandbox,
			items: [item],
			settings: { onError: 'continueRegularOutput', retryOnFail: true, maxTries: 2, waitBetweenTries: 1 },
		});
		expect(pairedIndexes(outputs)).toEqual([[0], [], []]);
		expect(outputs[0][0].json).toMatchObject({ phone_number: item.phone });
		expect(sandbox.contacts('acme')).toHaveLength(fixtures.SEED_CONTACTS.acme.length + 1);
	});
});

describe('Cancelling', () => {
	it('stops sending new requests when the execution is cancelled', async () => {
		sandbox.configure({ latencyMs: 50 });
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 120);
		await runFlowIq({
			sandbox,
			items: Array.from({ length: 100 }, () => lead()),
			options: { maxConcurrency: 2 },
			abortSignal: controller.signal,
		});
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(sandbox.stats().requests).toBeLessThan(12);
		sandbox.configure({ latencyMs: 0 });
	});

	// Waits are n8n-workflow's sleep, whose timer n8n 1.x cannot clear: a wait cut short, and an
	// attempt's deadline after a prompt answer, keep a timer that runs out later. It must send nothing.
	it('ends a Retry-After wait at once, and sends nothing when the wait’s timer runs out later', async () => {
		sandbox.failNext({ status: 429, retryAfter: 1 });
		const controller = new AbortController();
		const running = runFlowIq({ sandbox, items: [lead()], abortSignal: controller.signal });
		await untilStats(sandbox, (stats) => stats.byStatus[429] === 1, 'FlowIQ answers 429');
		await new Promise((resolve) => setTimeout(resolve, 100)); // the node has the 429, and waits
		const cancelledAt = Date.now();
		controller.abort();
		const { error } = await running;
		const ranOnFor = Date.now() - cancelledAt;

		await new Promise((resolve) => setTimeout(resolve, 1300)); // past the Retry-After
		expect({ ranOnUnderRetryAfter: ranOnFor < 1000, error: error?.message, requests: sandbox.stats().requests }).toEqual({
			ranOnUnderRetryAfter: true,
			error: 'The execution was cancelled before this contact was sent', // in the wait, not in flight
			requests: 1,
		});
	});

	it('sends nothing when the deadline of an attempt that was answered in time runs out', async () => {
		const { outputs } = await runFlowIq({ sandbox, items: [lead()], options: { timeout: 300 } });
		expect(outputs[0]).toHaveLength(1);
		await new Promise((resolve) => setTimeout(resolve, 400)); // past the deadline
		expect(sandbox.stats()).toMatchObject({ requests: 1, byStatus: { 201: 1 } });
	});

	it(`keeps the deadline’s timer of an attempt answered in time ${ENGINE_MAJOR === 1 ? 'until it runs out (n8n 1.x)' : 'no longer (n8n 2.x)'}`, async () => {
		// The deadlines' timers (axios starts timers of the same Timeout too), and those of them still
		// pending after the run: they stay unless n8n-workflow's sleep clears them.
		const pending = new Set<ReturnType<typeof setTimeout>>();
		let started = 0;
		const { setTimeout: start, clearTimeout: clear } = global;
		jest.spyOn(global, 'setTimeout').mockImplementation(((callback: () => void, ms?: number) => {
			const timer = start(callback, ms);
			if (ms === 60_000 && new Error().stack?.includes('sleepUnlessAborted')) {
				started += 1;
				pending.add(timer);
			}
			return timer;
		}) as typeof setTimeout);
		jest.spyOn(global, 'clearTimeout').mockImplementation((timer) => {
			pending.delete(timer as ReturnType<typeof setTimeout>);
			clear(timer);
		});
		try {
			const { outputs } = await runFlowIq({ sandbox, items: [lead(), lead()], options: { timeout: 60_000 } });
			expect(outputs[0]).toHaveLength(2);
			expect({ started, pending: pending.size }).toEqual({ started: 2, pending: ENGINE_MAJOR === 1 ? 2 : 0 });
		} finally {
			jest.restoreAllMocks();
			pending.forEach(clear);
		}
	});
});

describe('The API key never leaks', () => {
	it.each([
		['revoked key', { credentials: { apiKey: fixtures.KEYS.revoked } }],
		['unknown tenant', { credentials: { tenantId: 'nope' } }],
		['server error', { fault: { status: 500 } }],
		['dropped connection', { fault: { kind: 'drop' }, options: { maxRetries: 0 } }],
		['timeout', { fault: { kind: 'slow', delayMs: 1500 }, options: { maxRetries: 0, timeout: 1000 } }],
	])('into outputs or errors on a %s', async (_case, setup: { credentials?: IDataObject; fault?: object; options?: IDataObject }) => {
		for (const onError of ['stopWorkflow', 'continueRegularOutput', 'continueErrorOutput'] as const) {
			sandbox.reset();
			if (setup.fault) sandbox.failNext(setup.fault);
			const result = await runFlowIq({
				sandbox,
				items: [lead({ phone: freshPhone() })],
				credentials: setup.credentials,
				options: setup.options,
				settings: { onError },
			});
			const everything = JSON.stringify(result, (_key, value) =>
				value instanceof Error ? { ...value, message: value.message, stack: value.stack } : value,
			);
			expect(everything).not.toMatch(/fiq_sandbox|Bearer|authorization/i);
		}
	});
});
