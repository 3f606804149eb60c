import type { IDataObject } from 'n8n-workflow';

import { fixtures, freshPhone, pairedIndexes, runFlowIq, useSandbox } from './harness';

const sandbox = useSandbox();

const fast = { maxRetries: 2, timeout: 2000 };
const GET_MANY = { resource: 'contact', operation: 'getAll' };
const GET_MESSAGES = { resource: 'conversation', operation: 'getMessages', phoneNumber: '={{ $json.phone }}' };
const existing = fixtures.SEED_CONTACTS.acme[0];

describe('Contact → Get Many', () => {
	it('returns up to Limit contacts, one item each, in FlowIQ’s order', async () => {
		sandbox.seedContacts('acme', 120);
		const { outputs } = await runFlowIq({ sandbox, items: [{}], parameters: { ...GET_MANY, limit: 70 }, options: fast });
		expect(outputs).toHaveLength(1);
		const ids = outputs[0].map((item) => item.json.id);
		expect(ids).toEqual(sandbox.contacts('acme').slice(0, 70).map((contact: IDataObject) => contact.id));
		expect(pairedIndexes(outputs)).toEqual([Array(70).fill(0)]);
		// 70 fit on one page of 70.
		expect(sandbox.stats().requests).toBe(1);
	});

	it('returns every contact across pages with Return All, each once, in order', async () => {
		sandbox.seedContacts('acme', 450);
		const { outputs } = await runFlowIq({ sandbox, items: [{}], parameters: { ...GET_MANY, returnAll: true }, options: { ...fast, maxConcurrency: 3 } });
		expect(outputs[0].map((item) => item.json.id)).toEqual(sandbox.contacts('acme').map((contact: IDataObject) => contact.id));
		// 452 contacts: five pages of 100.
		expect(sandbox.stats().requests).toBe(5);
		expect(sandbox.stats().maxInFlight).toBeLessThanOrEqual(3);
	});

	it('passes the search filter, and runs once per input item', async () => {
		const { outputs } = await runFlowIq({
			sandbox,
			items: [{ search: 'existing' }, { search: 'quiet' }],
			parameters: { ...GET_MANY, returnAll: true, filters: { search: '={{ $json.search }}' } },
			options: fast,
		});
		expect(outputs[0].map((item) => [item.json.full_name, item.pairedItem])).toEqual([
			['Existing Customer', { item: 0 }],
			['Quiet Customer', { item: 1 }],
		]);
	});

	// Backoff waits are random, up to 0.5 s · 2^n before retry n: far more than jest's default 5 s allows.
	it('loses and repeats no contact when pages fail and are retried', async () => {
		sandbox.seedContacts('acme', 600);
		for (const fault of [{ status: 500 }, { status: 502 }, { kind: 'drop' }, { status: 429, retryAfter: 0 }, { status: 503, phase: 'after' }]) {
			sandbox.failNext(fault, 1, 'GET /conversations');
		}
		const { outputs, error } = await runFlowIq({ sandbox, items: [{}], parameters: { ...GET_MANY, returnAll: true }, options: { ...fast, maxRetries: 5, maxConcurrency: 4 } });
		expect(error).toBeUndefined();
		expect(outputs[0].map((item) => item.json.id)).toEqual(sandbox.contacts('acme').map((contact: IDataObject) => contact.id));
	}, 30_000);

	it('fails the item, naming FlowIQ’s answer, when a page cannot be had within Max Retries', async () => {
		sandbox.seedContacts('acme', 250);
		sandbox.failNext({ status: 500 }, 10, 'GET /conversations');
		const { error } = await runFlowIq({ sandbox, items: [{}], parameters: { ...GET_MANY, returnAll: true }, options: { ...fast, maxRetries: 1, maxConcurrency: 1 } });
		expect(error).toMatchObject({ message: expect.stringMatching(/^FlowIQ answered 500 \(Internal server error\): .*\(gave up after 2 attempts\)$/) });
	});
});

describe('Conversation → Get Messages', () => {
	it('returns the newest messages first by default, up to Limit', async () => {
		const { outputs } = await runFlowIq({ sandbox, items: [{ phone: '+27 82 555 0100' }], parameters: { ...GET_MESSAGES, limit: 5 }, options: fast });
		const times = outputs[0].map((item) => Date.parse(String(item.json.created_at)));
		expect(times).toHaveLength(5);
		expect([...times].sort((a, b) => b - a)).toEqual(times);
		expect(outputs[0][0].json).toEqual(expect.objectContaining({ message: expect.any(String), sender_type: expect.any(String) }));
	});

	it('returns the whole conversation oldest first with Return All, by contact ID too', async () => {
		const byNumber = await runFlowIq({ sandbox, items: [{ phone: '+27825550100' }], parameters: { ...GET_MESSAGES, returnAll: true }, options: { ...fast, oldestFirst: true } });
		const byId = await runFlowIq({
			sandbox,
			items: [{}],
			parameters: { resource: 'conversation', operation: 'getMessages', conversationBy: 'contactId', contactId: existing.id, returnAll: true },
			options: { ...fast, oldestFirst: true },
		});
		const texts = byNumber.outputs[0].map((item) => item.json.message);
		expect(texts.length).toBeGreaterThan(20);
		expect(byId.outputs[0].map((item) => item.json.message)).toEqual(texts);
		const times = byNumber.outputs[0].map((item) => Date.parse(String(item.json.created_at)));
		expect([...times].sort((a, b) => a - b)).toEqual(times);
	});

	it('sends search terms and a Shopify order ID as FlowIQ documents them', async () => {
		const log: string[] = [];
		sandbox.configure({ quiet: false, log: (line: string) => log.push(line) });
		try {
			await runFlowIq({
				sandbox,
				items: [{ phone: '+27825550100' }],
				parameters: { ...GET_MESSAGES, returnAll: true, filters: { searchTerms: ' refund ,, urgent ', orderId: '5550001001' } },
				options: fast,
			});
		} finally {
			sandbox.configure({ quiet: true });
		}
		expect(log[0]).toMatch(/^GET \/conversations\?.*query=refund%2Curgent/);
		expect(log[0]).toMatch(/orderId=5550001001/);
		expect(log[0]).toMatch(/whatsappNumber=27825550100/);
	});

	it('returns no items for a contact without messages, and fails an unknown number with the next step', async () => {
		const unknown = freshPhone();
		const { outputs } = await runFlowIq({
			sandbox,
			items: [{ phone: '+27825550200' }, { phone: unknown }, { phone: 'n/a' }, { phone: '+27825550100' }],
			parameters: { ...GET_MESSAGES, limit: 1 },
			options: fast,
			settings: { onError: 'continueErrorOutput' },
		});
		expect(pairedIndexes(outputs)).toEqual([[3], [1, 2]]);
		// n8n's error output keeps the input item's fields beside the error.
		expect(outputs[1].map((item) => item.json)).toEqual([
			{ phone: unknown, error: `FlowIQ has no contact with the number ${unknown}`, message: 'Check the number or contact ID; a new contact needs Contact → Create first' },
			{ phone: 'n/a', error: 'Phone number "n/a" contains letters: use digits only', message: 'Correct the phone number, or set Default Country under Options' },
		]);
	});
});
