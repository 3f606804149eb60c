'use strict';
/**
 * GET /conversations in the sandbox: its auth and tenant wording, the three actions, paging at
 * the edges, search, Shopify orders, and the seed-contacts control route that fills an
 * organisation for paging and bench runs. Real HTTP on 127.0.0.1; one sandbox, reset per test.
 */
const { startSandbox } = require('../../sandbox/server');
const { KEYS, PHONES, SEED_CONTACTS, SEED_CONVERSATIONS } = require('../../sandbox/fixtures');
const { request } = require('./client');

jest.setTimeout(20000);

const EXISTING = SEED_CONTACTS.acme[0];
const QUIET = SEED_CONTACTS.acme[1];
const SEEDED_MESSAGES = SEED_CONVERSATIONS.acme[EXISTING.whatsapp_id];

let sandbox;

function call(pathAndQuery, options) {
	return request(sandbox.url, pathAndQuery, options);
}

/** GET /conversations?tenantId=acme&<params> with acme's key unless told otherwise. */
function conversations(params = {}, options = {}) {
	const query = new URLSearchParams({ tenantId: 'acme', ...params });
	return call(`/conversations?${query}`, options);
}

/** The §2.3 Contact view of a stored contact, spelled out so a wrong field shows up. */
function contactView(contact) {
	return {
		id: contact.id,
		full_name: contact.full_name,
		whatsapp_id: contact.whatsapp_id,
		phone_number: contact.phone_number,
		email: contact.email,
		created_at: contact.created_at,
		tags: [...contact.tags],
		has_unread_messages: false,
		bot_status: 'active',
		archived: false,
	};
}

function newestFirst(messages) {
	return [...messages].reverse().map((message) => ({ ...message, reactions: [] }));
}

beforeAll(async () => {
	sandbox = await startSandbox({ quiet: true });
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	sandbox.configure({ latencyMs: 0, faults: null, revision: 'current' });
	sandbox.reset();
});

describe('fixtures', () => {
	test('acme has a talkative and a quiet customer; 25 messages a minute apart, order #1001 mentioned', () => {
		expect(SEED_CONTACTS.acme.map((contact) => contact.full_name)).toEqual(['Existing Customer', 'Quiet Customer']);
		expect(QUIET.whatsapp_id).toBe('27825550200');
		expect(SEEDED_MESSAGES).toHaveLength(25);
		const times = SEEDED_MESSAGES.map((message) => Date.parse(message.created_at));
		for (let i = 1; i < times.length; i += 1) expect(times[i] - times[i - 1]).toBe(60000);
		expect(new Set(SEEDED_MESSAGES.map((message) => message.sender_type))).toEqual(
			new Set(['user-whatsapp', 'bot-whatsapp', 'human-whatsapp']),
		);
		expect(SEEDED_MESSAGES.filter((message) => message.media_type === 'image')).toHaveLength(1);
		expect(SEEDED_MESSAGES.some((message) => (message.message || '').includes('#1001'))).toBe(true);
	});
});

describe('GET /conversations: auth and tenant', () => {
	test.each([
		['no Authorization header', { key: null }, 'tenantId=acme', 401, 'Authorization required', 'Please provide Authorization bearer token'],
		['no tenantId', {}, '', 400, 'Tenant ID is required', 'Please provide tenantId query parameter'],
		['an empty tenantId', {}, 'tenantId=', 400, 'Tenant ID is required', 'Please provide tenantId query parameter'],
		['an unknown tenantId', {}, 'tenantId=nobody', 404, 'Organization not found', 'No organization found with tenantId: nobody'],
		['another organisation\'s tenantId', {}, 'tenantId=globex', 401, 'Authentication mismatch', 'Bearer token does not match the provided tenantId'],
		['a revoked key', { key: KEYS.revoked }, 'tenantId=acme', 401, 'Invalid API key', 'API key has been revoked'],
		['an unknown key', { key: KEYS.unknown }, 'tenantId=acme', 401, 'Invalid API key', 'API key not found'],
		['a token without fiq_', { key: 'eyJhbGciOiJIUzI1NiJ9.x.y' }, 'tenantId=acme', 401, 'Invalid token format', 'Bearer token must be an API key (fiq_...)'],
	])('%s', async (_name, options, tenant, status, error, message) => {
		const res = await call(`/conversations?action=contacts&${tenant}`, options);
		expect(res.status).toBe(status);
		expect(res.body).toEqual({ success: false, error, message });
	});

	test.each(['conversation-messages', 'contacts', 'find-by-phone'])('action %s needs tenantId too', async (action) => {
		const res = await call(`/conversations?action=${action}&whatsappNumber=${EXISTING.whatsapp_id}`);
		expect(res.status).toBe(400);
		expect(res.body.error).toBe('Tenant ID is required');
	});

	test('an unknown action answers 400 Invalid action', async () => {
		const res = await conversations({ action: 'everything' });
		expect(res.status).toBe(400);
		expect(res.body).toEqual({
			success: false,
			error: 'Invalid action',
			message: 'Use: conversation-messages, contacts, or find-by-phone',
		});
	});
});

describe('action=contacts', () => {
	test('lists the seeded contacts oldest first, with the documented fields and pagination', async () => {
		const res = await conversations({ action: 'contacts' });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({
			success: true,
			contacts: [contactView(EXISTING), contactView(QUIET)],
			pagination: { currentPage: 1, totalPages: 1, totalContacts: 2, contactsPerPage: 50, hasNextPage: false, hasPrevPage: false },
			count: 2,
		});
	});

	test('an organisation without contacts: no pages at all', async () => {
		const res = await conversations({ tenantId: 'globex', action: 'contacts' }, { key: KEYS.globex });
		expect(res.body).toEqual({
			success: true,
			contacts: [],
			pagination: { currentPage: 1, totalPages: 0, totalContacts: 0, contactsPerPage: 50, hasNextPage: false, hasPrevPage: false },
			count: 0,
		});
	});

	test('page by page, and a page past the end is empty', async () => {
		const page = async (number) => (await conversations({ action: 'contacts', limit: '1', page: String(number) })).body;
		const first = await page(1);
		expect(first.contacts.map((contact) => contact.full_name)).toEqual(['Existing Customer']);
		expect(first.pagination).toEqual({ currentPage: 1, totalPages: 2, totalContacts: 2, contactsPerPage: 1, hasNextPage: true, hasPrevPage: false });
		const second = await page(2);
		expect(second.contacts.map((contact) => contact.full_name)).toEqual(['Quiet Customer']);
		expect(second.pagination).toMatchObject({ currentPage: 2, hasNextPage: false, hasPrevPage: true });
		const past = await page(3);
		expect(past).toEqual({
			success: true,
			contacts: [],
			pagination: { currentPage: 3, totalPages: 2, totalContacts: 2, contactsPerPage: 1, hasNextPage: false, hasPrevPage: true },
			count: 0,
		});
	});

	test('the default limit is 50, the largest 100', async () => {
		sandbox.seedContacts('acme', 148);
		const defaults = await conversations({ action: 'contacts' });
		expect(defaults.body.count).toBe(50);
		expect(defaults.body.pagination).toMatchObject({ totalPages: 3, totalContacts: 150, contactsPerPage: 50 });
		const largest = await conversations({ action: 'contacts', limit: '100', page: '2' });
		expect(largest.body.count).toBe(50);
		expect(largest.body.pagination).toMatchObject({ currentPage: 2, totalPages: 2, hasNextPage: false, hasPrevPage: true });
		const smallest = await conversations({ action: 'contacts', limit: '1', page: '150' });
		expect(smallest.body.contacts.map((contact) => contact.full_name)).toEqual(['Seeded Contact 150']);
	});

	test.each([
		['limit', '0', 'limit must be a whole number between 1 and 100, got "0"'],
		['limit', '101', 'limit must be a whole number between 1 and 100, got "101"'],
		['limit', '-5', 'limit must be a whole number between 1 and 100, got "-5"'],
		['limit', '2.5', 'limit must be a whole number between 1 and 100, got "2.5"'],
		['limit', 'ten', 'limit must be a whole number between 1 and 100, got "ten"'],
		['page', '0', 'page must be a whole number >= 1, got "0"'],
		['page', '1e2', 'page must be a whole number >= 1, got "1e2"'],
	])('%s=%s is refused, not clamped', async (name, value, message) => {
		const res = await conversations({ action: 'contacts', [name]: value });
		expect(res.status).toBe(400);
		expect(res.body).toEqual({ success: false, error: 'Invalid parameter', message });
	});

	test('empty page and limit mean the defaults', async () => {
		const res = await conversations({ action: 'contacts', page: '', limit: '' });
		expect(res.body.pagination).toMatchObject({ currentPage: 1, contactsPerPage: 50 });
	});

	test.each([
		['a name, any case', 'qUiEt', ['Quiet Customer']],
		['part of a name', 'customer', ['Existing Customer', 'Quiet Customer']],
		['digits of a number', '550100', ['Existing Customer']],
		['a formatted number', '+27 82 555 0200', ['Quiet Customer']],
		['nothing that matches', 'Zebra', []],
		['only spaces (no filter)', '   ', ['Existing Customer', 'Quiet Customer']],
	])('search by %s', async (_name, search, names) => {
		const res = await conversations({ action: 'contacts', search });
		expect(res.body.contacts.map((contact) => contact.full_name)).toEqual(names);
		expect(res.body.pagination.totalContacts).toBe(names.length);
	});

	test('search results are paged like the full list', async () => {
		sandbox.seedContacts('acme', 30, 'Bench Lead');
		const res = await conversations({ action: 'contacts', search: 'bench lead', limit: '20', page: '2' });
		expect(res.body.count).toBe(10);
		expect(res.body.pagination).toMatchObject({ totalContacts: 30, totalPages: 2, hasNextPage: false });
	});

	test('a contact created while paging shows up at the end, not on a page already read', async () => {
		const first = await conversations({ action: 'contacts', limit: '1' });
		const created = await call('/contact', { method: 'POST', body: { name: 'Late Arrival', phone_number: PHONES.fresh } });
		expect(created.status).toBe(201);
		const last = await conversations({ action: 'contacts', limit: '1', page: '3' });
		expect(first.body.contacts[0].full_name).toBe('Existing Customer');
		expect(last.body.contacts).toEqual([contactView(created.body.contact)]);
		expect(last.body.pagination).toMatchObject({ totalContacts: 3, hasNextPage: false });
	});
});

describe('action=conversation-messages (the default)', () => {
	test('newest first, 10 a page, with the documented fields', async () => {
		const res = await conversations({ whatsappNumber: EXISTING.whatsapp_id });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({
			success: true,
			messages: newestFirst(SEEDED_MESSAGES).slice(0, 10),
			pagination: { currentPage: 1, totalPages: 3, totalMessages: 25, messagesPerPage: 10, hasNextPage: true, hasPrevPage: false },
			count: 10,
			searchTerms: null,
			filtered: false,
			stored: false,
		});
		expect(Object.keys(res.body.messages[0]).sort()).toEqual(
			['assignee', 'created_at', 'media_type', 'media_url', 'message', 'message_status', 'reactions', 'sender_type', 'voice_note_transcription'],
		);
	});

	test('three pages cover the conversation once; page 4 is empty', async () => {
		const seen = [];
		for (const page of [1, 2, 3]) {
			const res = await conversations({ action: 'conversation-messages', whatsappNumber: EXISTING.whatsapp_id, page: String(page) });
			expect(res.body.pagination).toMatchObject({ currentPage: page, hasNextPage: page < 3, hasPrevPage: page > 1 });
			seen.push(...res.body.messages);
		}
		expect(seen).toEqual(newestFirst(SEEDED_MESSAGES));
		const past = await conversations({ whatsappNumber: EXISTING.whatsapp_id, page: '4' });
		expect(past.body.messages).toEqual([]);
		expect(past.body.count).toBe(0);
		expect(past.body.pagination).toEqual({ currentPage: 4, totalPages: 3, totalMessages: 25, messagesPerPage: 10, hasNextPage: false, hasPrevPage: true });
	});

	test('ascending=true starts with the oldest message', async () => {
		const res = await conversations({ whatsappNumber: EXISTING.whatsapp_id, ascending: 'true', limit: '5' });
		expect(res.body.messages.map((message) => message.created_at)).toEqual(SEEDED_MESSAGES.slice(0, 5).map((message) => message.created_at));
		const explicit = await conversations({ whatsappNumber: EXISTING.whatsapp_id, ascending: 'FALSE', limit: '1' });
		expect(explicit.body.messages[0].created_at).toBe(SEEDED_MESSAGES[24].created_at);
	});

	test('limit 1..100; other values are refused', async () => {
		const all = await conversations({ whatsappNumber: EXISTING.whatsapp_id, limit: '100' });
		expect(all.body.count).toBe(25);
		expect(all.body.pagination).toMatchObject({ totalPages: 1, messagesPerPage: 100, hasNextPage: false });
		for (const limit of ['0', '101']) {
			const res = await conversations({ whatsappNumber: EXISTING.whatsapp_id, limit });
			expect(res.status).toBe(400);
			expect(res.body.message).toBe(`limit must be a whole number between 1 and 100, got "${limit}"`);
		}
		const ascending = await conversations({ whatsappNumber: EXISTING.whatsapp_id, ascending: 'yes' });
		expect(ascending.status).toBe(400);
		expect(ascending.body).toEqual({ success: false, error: 'Invalid parameter', message: 'ascending must be true or false, got "yes"' });
	});

	test('the number is normalised; contactId finds the same conversation', async () => {
		const expected = (await conversations({ whatsappNumber: '27825550100' })).body;
		for (const params of [{ whatsappNumber: '+27 82 555 0100' }, { whatsappNumber: '(+27) 82-555-0100' }, { contactId: EXISTING.id }]) {
			expect((await conversations(params)).body).toEqual(expected);
		}
	});

	test('whatsappNumber wins when both are given', async () => {
		const res = await conversations({ whatsappNumber: EXISTING.whatsapp_id, contactId: QUIET.id });
		expect(res.body.pagination.totalMessages).toBe(25);
	});

	test('a contact who never wrote: 200 with no messages', async () => {
		const res = await conversations({ whatsappNumber: PHONES.quiet });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({
			success: true,
			messages: [],
			pagination: { currentPage: 1, totalPages: 0, totalMessages: 0, messagesPerPage: 10, hasNextPage: false, hasPrevPage: false },
			count: 0,
			searchTerms: null,
			filtered: false,
			stored: false,
		});
	});

	test('404 for an unknown number or contactId, and for another organisation\'s contact', async () => {
		const byNumber = await conversations({ whatsappNumber: '+27 82 555 9999' });
		expect(byNumber.status).toBe(404);
		expect(byNumber.body).toEqual({ success: false, error: 'Contact not found for the provided phone number', normalized_phone: '27825559999' });
		const byId = await conversations({ contactId: 'c0000000-0000-4000-8000-00000000ffff' });
		expect(byId.status).toBe(404);
		expect(byId.body).toEqual({
			success: false,
			error: 'Contact not found for the provided phone number',
			contactId: 'c0000000-0000-4000-8000-00000000ffff',
		});
		const otherOrg = await conversations({ tenantId: 'globex', whatsappNumber: EXISTING.whatsapp_id }, { key: KEYS.globex });
		expect(otherOrg.status).toBe(404);
	});

	test('400 when neither whatsappNumber nor contactId is given', async () => {
		const res = await conversations({});
		expect(res.status).toBe(400);
		expect(res.body).toEqual({ success: false, error: 'Missing required field', message: 'whatsappNumber or contactId is required' });
	});

	test('query: comma-separated terms, any of them, any case', async () => {
		const one = await conversations({ whatsappNumber: EXISTING.whatsapp_id, query: 'urgent' });
		expect(one.body.messages.map((message) => message.message)).toEqual([
			"Understood, I've marked the replacement as urgent.",
			'That would be great, urgent please, it was a gift',
		]);
		expect(one.body).toMatchObject({ searchTerms: ['urgent'], filtered: true, count: 2 });
		expect(one.body.pagination).toMatchObject({ totalMessages: 2, totalPages: 1 });

		const two = await conversations({ whatsappNumber: EXISTING.whatsapp_id, query: ' URGENT , Kettle,' });
		expect(two.body.searchTerms).toEqual(['URGENT', 'Kettle']);
		expect(two.body.count).toBe(4);

		const none = await conversations({ whatsappNumber: EXISTING.whatsapp_id, query: 'refund' });
		expect(none.body).toMatchObject({ messages: [], count: 0, searchTerms: ['refund'], filtered: true });

		const blank = await conversations({ whatsappNumber: EXISTING.whatsapp_id, query: ' , ' });
		expect(blank.body).toMatchObject({ searchTerms: null, filtered: false, count: 10 });
	});

	test('orderId searches for the Shopify order number, merged with query terms', async () => {
		const order = await conversations({ whatsappNumber: EXISTING.whatsapp_id, orderId: '5550001001' });
		expect(order.body.searchTerms).toEqual(['#1001']);
		expect(order.body.messages.map((message) => message.message)).toEqual([
			'Thanks! Order #1001 was shipped on 17 January, tracking number CG-558812.',
			"It's order #1001",
		]);
		const combined = await conversations({ whatsappNumber: EXISTING.whatsapp_id, orderId: '5550001002', query: 'urgent' });
		expect(combined.body.searchTerms).toEqual(['#1002', 'urgent']);
		expect(combined.body.count).toBe(3);
	});

	test('an unknown orderId, or one without a Shopify connection, answers 404', async () => {
		const unknown = await conversations({ whatsappNumber: EXISTING.whatsapp_id, orderId: '999' });
		expect(unknown.status).toBe(404);
		expect(unknown.body).toEqual({ success: false, error: 'Shopify order not found', orderId: '999' });
		await call('/contact', { method: 'POST', key: KEYS.globex, body: { name: 'G', phone_number: PHONES.fresh } });
		const globex = await conversations({ tenantId: 'globex', whatsappNumber: PHONES.fresh, orderId: '5550001001' }, { key: KEYS.globex });
		expect(globex.body).toEqual({ success: false, error: 'Shopify order not found', orderId: '5550001001' });
	});
});

describe('action=find-by-phone', () => {
	test('by whatsappNumber or the guides\' phoneNumber; the input is echoed and normalised', async () => {
		for (const name of ['whatsappNumber', 'phoneNumber']) {
			const res = await conversations({ action: 'find-by-phone', [name]: '+27 82 555 0100' });
			expect(res.status).toBe(200);
			expect(res.body).toEqual({
				success: true,
				contact: contactView(EXISTING),
				original_phone: '+27 82 555 0100',
				normalized_phone: '27825550100',
			});
		}
	});

	test('404 for an unknown number', async () => {
		const res = await conversations({ action: 'find-by-phone', whatsappNumber: '27825559999' });
		expect(res.status).toBe(404);
		expect(res.body).toEqual({ success: false, error: 'Contact not found for the provided phone number', normalized_phone: '27825559999' });
	});

	test('400 without a number', async () => {
		const res = await conversations({ action: 'find-by-phone' });
		expect(res.status).toBe(400);
		expect(res.body).toEqual({ success: false, error: 'Missing required field', message: 'whatsappNumber (or phoneNumber) is required' });
	});
});

describe('seed-contacts', () => {
	test('20,000 contacts seed fast and page 200 of limit 100 answers', async () => {
		const started = Date.now();
		expect(sandbox.seedContacts('acme', 20000)).toBe(20002);
		expect(Date.now() - started).toBeLessThan(3000);

		const asked = Date.now();
		const res = await conversations({ action: 'contacts', limit: '100', page: '200' });
		expect(Date.now() - asked).toBeLessThan(1000);
		expect(res.body.count).toBe(100);
		expect(res.body.pagination).toEqual({
			currentPage: 200,
			totalPages: 201,
			totalContacts: 20002,
			contactsPerPage: 100,
			hasNextPage: true,
			hasPrevPage: true,
		});
		const last = await conversations({ action: 'contacts', limit: '100', page: '201' });
		expect(last.body.count).toBe(2);
		expect(last.body.pagination.hasNextPage).toBe(false);
	});

	test('over HTTP: counts, fresh numbers on every call, on WhatsApp, never a clash', async () => {
		const control = (body) => call('/__sandbox/seed-contacts', { key: null, method: 'POST', body });
		expect((await control({ count: 5, namePrefix: 'Bench' })).body).toEqual({ success: true, org: 'acme', added: 5, total: 7 });
		expect((await control({ count: 5 })).body).toEqual({ success: true, org: 'acme', added: 5, total: 12 });
		expect((await control({ org: 'globex', count: 3 })).body).toEqual({ success: true, org: 'globex', added: 3, total: 3 });

		const acme = sandbox.contacts('acme');
		expect(acme.slice(2, 4).map((contact) => contact.full_name)).toEqual(['Bench 3', 'Bench 4']);
		const numbers = acme.map((contact) => contact.whatsapp_id);
		expect(new Set(numbers).size).toBe(12);
		for (const number of numbers) expect(number).not.toMatch(/0000$/);
		expect(acme[2]).toMatchObject({ phone_number: `+${acme[2].whatsapp_id}`, organization_id: EXISTING.organization_id, source: { type: 'api' } });
		// Seeded contacts behave like any other: POST /contact sees them as duplicates.
		expect((await call('/contact', { method: 'POST', body: { name: 'Again', phone_number: acme[5].phone_number } })).status).toBe(409);
	});

	test('bad requests are refused; reset removes the seeded contacts', async () => {
		const control = (body) => call('/__sandbox/seed-contacts', { key: null, method: 'POST', body });
		for (const count of [0, -1, 1.5, '10', 100001, undefined]) {
			const res = await control({ count });
			expect(res.status).toBe(400);
			expect(res.body).toEqual({ success: false, error: 'Invalid sandbox request', message: 'count must be an integer between 1 and 100000' });
		}
		expect((await control({ count: 1, namePrefix: ' ' })).body.message).toBe('namePrefix must be a non-empty string');
		const unknown = await control({ org: 'nobody', count: 1 });
		expect(unknown.status).toBe(404);
		expect(unknown.body).toEqual({ success: false, error: 'Organization not found', message: 'unknown sandbox organisation "nobody"' });
		expect(() => sandbox.seedContacts('acme', 0)).toThrow(TypeError);

		sandbox.seedContacts('acme', 10);
		sandbox.reset();
		expect(sandbox.contacts('acme')).toHaveLength(SEED_CONTACTS.acme.length);
	});
});
