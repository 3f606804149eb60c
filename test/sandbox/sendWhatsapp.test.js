'use strict';
/**
 * POST /send-whatsapp in the sandbox: auth wording, body validation for every message type and
 * every documented interactive limit, the organisation's provider preconditions, the recipient
 * check, the sent log, the conversation the message lands in, and the older revision's answer.
 * Error bodies on this route have no `success` key (contract §4), so they are compared whole.
 */
const { startSandbox } = require('../../sandbox/server');
const { KEYS, PHONES, SEED_CONTACTS, ORGS } = require('../../sandbox/fixtures');
const { request } = require('./client');

jest.setTimeout(10000);

const WAMID = /^wamid\.[0-9a-f]{32}$/;
const EXISTING = SEED_CONTACTS.acme[0];

let sandbox;

function call(pathAndQuery, options) {
	return request(sandbox.url, pathAndQuery, options);
}

function send(body, { key = KEYS.acme, query = '' } = {}) {
	return call(`/send-whatsapp${query}`, { method: 'POST', key, body });
}

/** A send to the seeded acme contact with `fields` on top of a text message. */
function sendToExisting(fields) {
	return send({ phone_number: PHONES.existing, message_type: 'text', text: 'Hello', ...fields });
}

/** The newest message of a contact's conversation, read back through GET /conversations. */
async function newestMessage(whatsappNumber = EXISTING.whatsapp_id) {
	const res = await call(`/conversations?tenantId=acme&whatsappNumber=${whatsappNumber}&limit=1`);
	return res.body.messages[0];
}

const text = (length, char = 'a') => char.repeat(length);

beforeAll(async () => {
	sandbox = await startSandbox({ quiet: true });
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	sandbox.configure({ revision: 'current' });
	sandbox.reset();
});

describe('a successful send', () => {
	test('200 with a wamid; logged; appended to the conversation as a bot message', async () => {
		const before = Date.now();
		const res = await send({ phone_number: '+27 82 555 0100', message_type: 'text', text: 'Your order shipped' });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({
			success: true,
			message: 'Message sent successfully',
			data: { message_id: expect.stringMatching(WAMID), recipient: '27825550100', message_type: 'text' },
		});
		expect(sandbox.sent('acme')).toEqual([
			{
				message_id: res.body.data.message_id,
				org: 'acme',
				recipient: '27825550100',
				message_type: 'text',
				body: { phone_number: '+27 82 555 0100', message_type: 'text', text: 'Your order shipped' },
				at: expect.any(String),
			},
		]);
		expect(Date.parse(sandbox.sent('acme')[0].at)).toBeGreaterThanOrEqual(before - 1000);
		expect(await newestMessage()).toEqual({
			message: 'Your order shipped',
			sender_type: 'bot-whatsapp',
			created_at: sandbox.sent('acme')[0].at,
			message_status: 'sent',
			media_type: null,
			media_url: null,
			assignee: null,
			voice_note_transcription: null,
			reactions: [],
		});
		const page = await call(`/conversations?tenantId=acme&whatsappNumber=${EXISTING.whatsapp_id}`);
		expect(page.body.pagination.totalMessages).toBe(26);
	});

	test('every send gets its own wamid', async () => {
		const ids = [];
		for (let i = 0; i < 5; i += 1) ids.push((await sendToExisting({ text: `n${i}` })).body.data.message_id);
		expect(new Set(ids).size).toBe(5);
	});

	test.each(['image', 'video', 'audio', 'document'])('%s: the caption and the link land in the conversation', async (type) => {
		const media_url = `https://example.com/file.${type}`;
		const caption = type === 'audio' ? undefined : `A ${type}`;
		const res = await send({ phone_number: PHONES.existing, message_type: type, media_url, caption, filename: 'f' });
		expect(res.status).toBe(200);
		expect(res.body.data.message_type).toBe(type);
		expect(await newestMessage()).toMatchObject({ message: caption ?? null, media_type: type, media_url });
	});

	test('structured types land as compact JSON of their payload', async () => {
		const location = { latitude: -33.92, longitude: 18.42, name: 'Office', address: '14 Long Street' };
		expect((await send({ phone_number: PHONES.existing, message_type: 'location', location })).status).toBe(200);
		expect(await newestMessage()).toMatchObject({ message: JSON.stringify(location), media_type: null });
		const reaction = { message_id: 'wamid.abc', emoji: '🎉' };
		expect((await send({ phone_number: PHONES.existing, message_type: 'reaction', reaction })).status).toBe(200);
		expect((await newestMessage()).message).toBe(JSON.stringify(reaction));
	});

	test('a contact created through the API can be messaged; context_message_id is kept in the log', async () => {
		expect((await call('/contact', { method: 'POST', body: { name: 'New', phone_number: PHONES.fresh } })).status).toBe(201);
		const res = await send({ phone_number: PHONES.fresh, message_type: 'text', text: 'Welcome', context_message_id: 'wamid.previous' });
		expect(res.status).toBe(200);
		expect(sandbox.sent('acme')[0].body.context_message_id).toBe('wamid.previous');
		expect(await newestMessage('27825550123')).toMatchObject({ message: 'Welcome', sender_type: 'bot-whatsapp' });
	});

	test("revision 'older' also answers data.organization and data.meta_response", async () => {
		sandbox.configure({ revision: 'older' });
		const res = await send({ phone_number: '+27825550100', message_type: 'text', text: 'Hi' });
		const id = res.body.data.message_id;
		expect(res.body.data).toEqual({
			message_id: id,
			recipient: '27825550100',
			message_type: 'text',
			organization: { id: ORGS.acme.id, name: 'Acme Corporation', tenantId: 'acme' },
			meta_response: { messaging_product: 'whatsapp', contacts: [{ input: '+27825550100', wa_id: '27825550100' }], messages: [{ id }] },
		});
	});
});

describe('tenant and auth (no success key on this route)', () => {
	test('without tenantId the key\'s organisation is used; its own tenantId is accepted', async () => {
		expect((await sendToExisting({})).status).toBe(200);
		expect((await send({ phone_number: PHONES.existing, message_type: 'text', text: 'x' }, { query: '?tenantId=acme' })).status).toBe(200);
		expect(sandbox.sent('acme')).toHaveLength(2);
	});

	test.each([
		['no Authorization header', { key: null }, 401, 'Invalid or missing API key', 'Authorization header with a Bearer API key is required'],
		['a token without fiq_', { key: 'eyJ.x.y' }, 401, 'Invalid token format', 'Bearer token must be an API key (fiq_...)'],
		['an unknown key', { key: KEYS.unknown }, 401, 'Invalid API key', 'API key not found'],
		['a revoked key', { key: KEYS.revoked }, 401, 'Invalid API key', 'API key has been revoked'],
		['another organisation\'s tenantId', { query: '?tenantId=globex' }, 401, 'API key mismatch', 'API key does not belong to the specified tenant'],
		['an unknown tenantId', { query: '?tenantId=nobody' }, 404, 'Organization not found', 'No organization found with tenantId: nobody'],
	])('%s', async (_name, options, status, error, message) => {
		const res = await send({ phone_number: PHONES.existing, message_type: 'text', text: 'x' }, options);
		expect(res.status).toBe(status);
		expect(res.body).toEqual({ error, message });
		expect(sandbox.sent()).toEqual([]);
	});
});

describe('preconditions', () => {
	test('an organisation on another provider: 400 Invalid provider', async () => {
		const res = await send({ phone_number: PHONES.existing, message_type: 'text', text: 'x' }, { key: KEYS.globex });
		expect(res.status).toBe(400);
		expect(res.body).toEqual({ error: 'Invalid provider', message: 'Organization must use Meta WhatsApp provider. Current: wati' });
	});

	test('Meta without credentials: 400 Meta not configured', async () => {
		const res = await send({ phone_number: PHONES.existing, message_type: 'text', text: 'x' }, { key: KEYS.umbrella, query: '?tenantId=umbrella' });
		expect(res.status).toBe(400);
		expect(res.body).toEqual({ error: 'Meta not configured', message: 'Organization Meta WhatsApp credentials are not configured' });
	});

	test('the body is checked before the provider', async () => {
		const res = await send({ phone_number: PHONES.existing, message_type: 'text' }, { key: KEYS.globex });
		expect(res.body).toEqual({ error: 'Missing required field', message: 'text is required for text messages' });
	});

	test('a recipient who is not a contact: 404 with the documented text; nothing logged', async () => {
		const res = await send({ phone_number: '+27 82 555 9999', message_type: 'text', text: 'x' });
		expect(res.status).toBe(404);
		expect(res.body).toEqual({
			error: 'Contact not found',
			message: 'No contact exists with WhatsApp number 27825559999. Please create the contact first using the /api/contact endpoint.',
			whatsapp_id: '27825559999',
		});
		expect(sandbox.sent()).toEqual([]);
	});
});

describe('body validation', () => {
	test.each([
		['unparseable JSON', '{"phone_number":', 'Request body must be valid JSON'],
		['a JSON array', '[]', 'Request body must be a JSON object'],
	])('%s: 400 Invalid request body', async (_name, rawBody, message) => {
		const res = await call('/send-whatsapp', { method: 'POST', rawBody, headers: { 'Content-Type': 'application/json' } });
		expect(res.status).toBe(400);
		expect(res.body).toEqual({ error: 'Invalid request body', message });
	});

	const MISSING = 'Missing required field';
	const INTERACTIVE = 'Invalid interactive message';
	const button = (id, title) => ({ id, title });
	const buttons = (extra) => ({ message_type: 'interactive', interactive: { type: 'button', body: 'Pick one', buttons: [button('a', 'Yes')], ...extra } });
	const row = (fields) => ({ id: 'r1', title: 'Row', ...fields });
	const list = (extra) => ({
		message_type: 'interactive',
		interactive: { type: 'list', body: 'Choose', button: 'Options', sections: [{ title: 'Sizes', rows: [row()] }], ...extra },
	});
	const card = (fields) => ({ name: { formatted_name: 'Jane Doe' }, phones: [{ phone: '+27825550111', type: 'CELL' }], ...fields });

	test.each([
		['no phone_number', { phone_number: undefined }, MISSING, 'phone_number is required'],
		['a blank phone_number', { phone_number: '  ' }, MISSING, 'phone_number is required'],
		['an object as phone_number', { phone_number: { n: 1 } }, 'Invalid request body', 'phone_number must be a string'],
		['no message_type', { message_type: undefined }, MISSING, 'message_type is required'],
		[
			'an unsupported message_type',
			{ message_type: 'sticker' },
			'Invalid message type',
			'Unsupported message_type: sticker. Supported types: text, image, video, audio, document, location, contacts, interactive, reaction',
		],
		['text without text', { text: undefined }, MISSING, 'text is required for text messages'],
		['text with blank text', { text: ' ' }, MISSING, 'text is required for text messages'],
		['image without media_url', { message_type: 'image' }, MISSING, 'media_url is required for image messages'],
		['video without media_url', { message_type: 'video' }, MISSING, 'media_url is required for video messages'],
		['audio without media_url', { message_type: 'audio' }, MISSING, 'media_url is required for audio messages'],
		['document without media_url', { message_type: 'document', filename: 'a.pdf' }, MISSING, 'media_url is required for document messages'],
		['location without location', { message_type: 'location' }, MISSING, 'location.latitude and location.longitude are required for location messages'],
		['location without longitude', { message_type: 'location', location: { latitude: 1 } }, MISSING, 'location.latitude and location.longitude are required for location messages'],
		['latitude out of range', { message_type: 'location', location: { latitude: 91, longitude: 0 } }, 'Invalid location', 'location.latitude must be a number between -90 and 90'],
		['longitude as text', { message_type: 'location', location: { latitude: 0, longitude: '18.4' } }, 'Invalid location', 'location.longitude must be a number between -180 and 180'],
		['contacts without contacts', { message_type: 'contacts' }, MISSING, 'contacts is required for contacts messages'],
		['contacts with an empty list', { message_type: 'contacts', contacts: [] }, MISSING, 'contacts is required for contacts messages'],
		['a card without formatted_name', { message_type: 'contacts', contacts: [card(), card({ name: { first_name: 'J' } })] }, 'Invalid contacts message', 'contacts[1].name.formatted_name is required'],
		['a card without phones', { message_type: 'contacts', contacts: [card({ phones: [] })] }, 'Invalid contacts message', 'contacts[0].phones must list at least one phone'],
		['a phone without phone', { message_type: 'contacts', contacts: [card({ phones: [{ phone: '1' }, { type: 'WORK' }] })] }, 'Invalid contacts message', 'contacts[0].phones[1].phone is required'],
		['interactive without interactive', { message_type: 'interactive' }, MISSING, 'interactive is required for interactive messages'],
		['interactive of another type', { message_type: 'interactive', interactive: { type: 'carousel', body: 'x' } }, INTERACTIVE, "interactive.type must be 'button' or 'list'"],
		['interactive without body', buttons({ body: undefined }), INTERACTIVE, 'interactive.body is required'],
		['interactive with a number as body', buttons({ body: 5 }), INTERACTIVE, 'interactive.body must be a string'],
		['body over 1024', buttons({ body: text(1025) }), INTERACTIVE, 'interactive.body must be at most 1024 characters, got 1025'],
		['header over 60', buttons({ header: text(61) }), INTERACTIVE, 'interactive.header must be at most 60 characters, got 61'],
		['footer over 60', buttons({ footer: text(61) }), INTERACTIVE, 'interactive.footer must be at most 60 characters, got 61'],
		['header_media of type audio', buttons({ header_media: { type: 'audio', url: 'https://x' } }), INTERACTIVE, 'interactive.header_media needs type image, video or document and a url'],
		['no buttons', buttons({ buttons: [] }), INTERACTIVE, 'interactive.buttons must be a list of 1 to 3 objects'],
		['four buttons', buttons({ buttons: ['a', 'b', 'c', 'd'].map((id) => button(id, id)) }), INTERACTIVE, 'interactive.buttons must be a list of 1 to 3 objects'],
		['a button title over 20', buttons({ buttons: [button('a', 'ok'), button('b', text(21))] }), INTERACTIVE, 'interactive.buttons[1].title must be at most 20 characters, got 21'],
		['a button without id', buttons({ buttons: [{ title: 'Yes' }] }), INTERACTIVE, 'interactive.buttons[0].id is required'],
		['a list without button text', list({ button: undefined }), INTERACTIVE, 'interactive.button is required'],
		['a list button over 20', list({ button: text(21) }), INTERACTIVE, 'interactive.button must be at most 20 characters, got 21'],
		['no sections', list({ sections: undefined }), INTERACTIVE, 'interactive.sections must be a list of 1 to 10 objects'],
		['eleven sections', list({ sections: Array.from({ length: 11 }, () => ({ rows: [row()] })) }), INTERACTIVE, 'interactive.sections must be a list of 1 to 10 objects'],
		['a section title over 24', list({ sections: [{ title: text(25), rows: [row()] }] }), INTERACTIVE, 'interactive.sections[0].title must be at most 24 characters, got 25'],
		['a section without rows', list({ sections: [{ title: 'A', rows: [] }] }), INTERACTIVE, 'interactive.sections[0].rows must be a non-empty list of objects'],
		['a row title over 24', list({ sections: [{ rows: [row(), row({ title: text(25) })] }] }), INTERACTIVE, 'interactive.sections[0].rows[1].title must be at most 24 characters, got 25'],
		['a row description over 72', list({ sections: [{ rows: [row({ description: text(73) })] }] }), INTERACTIVE, 'interactive.sections[0].rows[0].description must be at most 72 characters, got 73'],
		['a row without id', list({ sections: [{ rows: [row({ id: '' })] }] }), INTERACTIVE, 'interactive.sections[0].rows[0].id is required'],
		['reaction without message_id', { message_type: 'reaction', reaction: { emoji: '👍' } }, MISSING, 'reaction.message_id is required for reaction messages'],
		['a number as context_message_id', { context_message_id: 42 }, 'Invalid request body', 'context_message_id must be the wamid of the message to reply to'],
	])('%s', async (_name, fields, error, message) => {
		const res = await sendToExisting(fields);
		expect(res.status).toBe(400);
		expect(res.body).toEqual({ error, message });
		expect(sandbox.sent()).toEqual([]);
	});

	test.each([
		['a text message replying to another', { context_message_id: 'wamid.x' }],
		['a location at the limits', { message_type: 'location', location: { latitude: -90, longitude: 180 } }],
		['contact cards', { message_type: 'contacts', contacts: [card(), card({ name: { formatted_name: 'B', first_name: 'B' } })] }],
		['every limit met exactly (buttons)', buttons({ body: text(1024), header: text(60), footer: text(60), buttons: ['a', 'b', 'c'].map((id) => button(id, text(20))) })],
		['emoji counted as one character', buttons({ body: text(1024, '👍'), buttons: [button('a', text(20, '🎉'))] })],
		['a media header', buttons({ header_media: { type: 'document', url: 'https://x/y.pdf', filename: 'y.pdf' } })],
		[
			'every limit met exactly (list)',
			list({
				button: text(20),
				sections: Array.from({ length: 10 }, (_, i) => ({ title: text(24), rows: [row({ id: `r${i}`, title: text(24), description: text(72) })] })),
			}),
		],
		['a reaction with the default emoji', { message_type: 'reaction', reaction: { message_id: 'wamid.x' } }],
	])('accepted: %s', async (_name, fields) => {
		const res = await sendToExisting(fields);
		expect(res.status).toBe(200);
		expect(res.body.data.message_type).toBe(fields.message_type || 'text');
	});
});

describe('sent log', () => {
	test('per organisation and in all, over HTTP too; copies; reset empties it and the appended messages', async () => {
		await sendToExisting({ text: 'one' });
		await sendToExisting({ text: 'two' });
		const control = (query) => call(`/__sandbox/sent${query}`, { key: null });
		const acme = await control('?org=acme');
		expect(acme.status).toBe(200);
		expect(acme.body.map((entry) => entry.body.text)).toEqual(['one', 'two']);
		expect((await control('')).body).toEqual(acme.body);
		expect((await control('?org=globex')).body).toEqual([]);
		const unknown = await control('?org=nobody');
		expect(unknown.status).toBe(404);
		expect(unknown.body).toEqual({ success: false, error: 'Organization not found', message: 'unknown sandbox organisation "nobody"' });
		expect(() => sandbox.sent('nobody')).toThrow(RangeError);

		sandbox.sent('acme')[0].body.text = 'changed';
		expect(sandbox.sent('acme')[0].body.text).toBe('one');

		sandbox.reset();
		expect(sandbox.sent()).toEqual([]);
		expect((await newestMessage()).message).toBe('Have a lovely day! Reply any time if you need us.');
	});
});
