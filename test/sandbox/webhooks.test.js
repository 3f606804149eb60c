'use strict';
/**
 * Webhooks in the sandbox: POST /set-webhooks (auth, body checks, the documented success body,
 * registrations kept per organisation, duplicates allowed), and FlowIQ's side of a webhook:
 * `emit` POSTs the documented payload of each event type to the matching registrations (its
 * type or 'all', its platform) and reports every answer. A small HTTP server on 127.0.0.1 stands
 * in for n8n and records what reached it.
 */
const http = require('node:http');

const { startSandbox, WEBHOOK_EVENT_TYPES } = require('../../sandbox/server');
const { KEYS, ORGS, SEED_CONTACTS } = require('../../sandbox/fixtures');
const { request } = require('./client');

jest.setTimeout(10000);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const WAMID = /^wamid\.[0-9a-f]{32}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const EXISTING = SEED_CONTACTS.acme[0];

let sandbox;
let logLines;
let receiver;

/** A stand-in for n8n: records each request (path, query, body) and answers `reply(request)`. */
function startReceiver() {
	const state = { url: '', received: [], reply: () => ({ status: 200, body: { message: 'Workflow was started' } }) };
	const server = http.createServer((req, res) => {
		let raw = '';
		req.setEncoding('utf8');
		req.on('data', (chunk) => (raw += chunk));
		req.on('end', () => {
			const url = new URL(req.url, 'http://receiver');
			const received = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), contentType: req.headers['content-type'], body: JSON.parse(raw) };
			state.received.push(received);
			const { status, body } = state.reply(received);
			res.writeHead(status, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify(body));
		});
	});
	return new Promise((resolve) => {
		server.listen(0, '127.0.0.1', () => {
			state.url = `http://127.0.0.1:${server.address().port}`;
			state.close = () => new Promise((done) => server.close(done));
			resolve(state);
		});
	});
}

/** A port on 127.0.0.1 that nothing listens on: the OS just handed it out and it was let go. */
function closedPort() {
	return new Promise((resolve) => {
		const server = http.createServer();
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

function register(body, { key = KEYS.acme } = {}) {
	return request(sandbox.url, '/set-webhooks', { method: 'POST', key, body });
}

async function control(path, body) {
	return request(sandbox.url, `/__sandbox/${path}`, { method: body === undefined ? 'GET' : 'POST', key: null, body });
}

beforeAll(async () => {
	logLines = [];
	sandbox = await startSandbox({ log: (line) => logLines.push(line) });
	receiver = await startReceiver();
});

afterAll(async () => {
	await sandbox.close();
	await receiver.close();
});

beforeEach(() => {
	sandbox.reset();
	logLines.length = 0;
	receiver.received.length = 0;
	receiver.reply = () => ({ status: 200, body: { message: 'Workflow was started' } });
});

describe('POST /set-webhooks', () => {
	it('registers a webhook and answers 201 with the documented success body', async () => {
		const url = `${receiver.url}/webhook/abc/webhook?secret=s3cret`;
		const res = await register({ url, type: 'message_received' });
		expect(res.status).toBe(201);
		expect(res.body).toEqual({
			success: true,
			message: 'Webhook created successfully',
			webhook: { id: expect.stringMatching(UUID), url, type: 'message_received', platform: 'whatsapp', created_at: expect.stringMatching(ISO) },
		});
		expect(sandbox.webhooks('acme')).toEqual([res.body.webhook]);
		expect(sandbox.webhooks('globex')).toEqual([]);
	});

	it('keeps registrations per organisation, accepts every documented type and platform, and allows duplicates', async () => {
		for (const type of [...WEBHOOK_EVENT_TYPES, 'all']) expect((await register({ url: `${receiver.url}/a`, type })).status).toBe(201);
		expect((await register({ url: `${receiver.url}/a`, type: 'all' })).status).toBe(201);
		expect((await register({ url: `${receiver.url}/web`, type: 'message_received', platform: 'web' })).status).toBe(201);
		expect((await register({ url: `${receiver.url}/g`, type: 'all' }, { key: KEYS.globex })).status).toBe(201);

		const acme = sandbox.webhooks('acme');
		expect(acme.map((webhook) => `${webhook.type}/${webhook.platform}`)).toEqual([
			...WEBHOOK_EVENT_TYPES.map((type) => `${type}/whatsapp`),
			'all/whatsapp',
			'all/whatsapp',
			'message_received/web',
		]);
		expect(new Set(acme.map((webhook) => webhook.id)).size).toBe(acme.length);
		expect(sandbox.webhooks('globex').map((webhook) => webhook.url)).toEqual([`${receiver.url}/g`]);
		expect((await control('webhooks?org=globex')).body).toEqual(sandbox.webhooks('globex'));
	});

	it.each([
		[{ type: 'all' }, 400, 'Missing required field', 'url is required'],
		[{ url: 'ftp://example.com/hook', type: 'all' }, 400, 'Invalid URL', 'url must be an http:// or https:// URL'],
		[{ url: 'not a url', type: 'all' }, 400, 'Invalid URL', 'url must be an http:// or https:// URL'],
		[{ url: 'https://example.com/hook' }, 400, 'Missing required field', 'type is required'],
		[{ url: 'https://example.com/hook', type: 'message_seen' }, 400, 'Invalid webhook type', expect.stringContaining('message_received, message_sent')],
		[{ url: 'https://example.com/hook', type: 'all', platform: 'telegram' }, 400, 'Invalid platform', 'platform must be one of: whatsapp, web'],
	])('refuses %j with %i', async (body, status, error, message) => {
		const res = await register(body);
		expect(res.status).toBe(status);
		expect(res.body).toEqual({ success: false, error, message });
		expect(sandbox.webhooks('acme')).toEqual([]);
	});

	it('authenticates like POST /contact and refuses other methods', async () => {
		const body = { url: 'https://example.com/hook', type: 'all' };
		expect((await register(body, { key: null })).status).toBe(401);
		expect((await register(body, { key: KEYS.revoked })).body).toEqual({ success: false, error: 'Invalid API key', message: 'API key has been revoked' });
		expect((await request(sandbox.url, '/set-webhooks', { method: 'GET' })).status).toBe(405);
		expect(sandbox.webhooks('acme')).toEqual([]);
	});

	it('takes the faults queued for its route', async () => {
		sandbox.failNext({ status: 503 }, 1, 'POST /set-webhooks');
		expect((await register({ url: 'https://example.com/hook', type: 'all' })).status).toBe(503);
		expect(sandbox.webhooks('acme')).toEqual([]);
	});
});

describe('emit', () => {
	it('POSTs the documented message_received payload to the matching registrations only, and reports each answer', async () => {
		await register({ url: `${receiver.url}/received?secret=one`, type: 'message_received' });
		await register({ url: `${receiver.url}/all?secret=two`, type: 'all' });
		await register({ url: `${receiver.url}/read`, type: 'message_read' });
		await register({ url: `${receiver.url}/web`, type: 'all', platform: 'web' });
		await register({ url: `${receiver.url}/globex`, type: 'all' }, { key: KEYS.globex });
		receiver.reply = (received) => (received.path === '/all' ? { status: 401, body: { error: 'Unauthorized' } } : { status: 200, body: { ok: true } });

		const { event, deliveries } = await sandbox.emit('acme', { event_type: 'message_received' });
		expect(Object.keys(event)).toEqual([
			'event_type', 'whatsapp_id', 'organization_id', 'timestamp', 'whatsapp_message_id', 'message_type',
			'message', 'media_type', 'media_url', 'file_name', 'contact_id', 'reply_context_id', 'location_data',
		]);
		expect(event).toEqual({
			event_type: 'message_received',
			whatsapp_id: EXISTING.whatsapp_id,
			organization_id: ORGS.acme.id,
			timestamp: expect.stringMatching(ISO),
			whatsapp_message_id: expect.stringMatching(WAMID),
			message_type: 'text',
			message: 'Hi, is my order on its way?',
			media_type: null,
			media_url: null,
			file_name: null,
			contact_id: EXISTING.id,
			reply_context_id: null,
			location_data: null,
		});
		const [received, all] = sandbox.webhooks('acme');
		expect(deliveries).toEqual([
			{ webhook_id: received.id, type: 'message_received', target: `${receiver.url}/received`, status: 200, answer: { ok: true } },
			{ webhook_id: all.id, type: 'all', target: `${receiver.url}/all`, status: 401, answer: { error: 'Unauthorized' } },
		]);
		expect(receiver.received.map(({ method, path, query, contentType }) => ({ method, path, query, contentType })).sort((a, b) => a.path.localeCompare(b.path))).toEqual([
			{ method: 'POST', path: '/all', query: { secret: 'two' }, contentType: 'application/json' },
			{ method: 'POST', path: '/received', query: { secret: 'one' }, contentType: 'application/json' },
		]);
		for (const request of receiver.received) expect(request.body).toEqual(event);
	});

	it('fills each documented event type, takes overrides, and names no contact for an unknown number', async () => {
		await register({ url: `${receiver.url}/all`, type: 'all' });
		const emitted = {};
		for (const type of WEBHOOK_EVENT_TYPES) emitted[type] = (await sandbox.emit('acme', { event_type: type, whatsapp_id: '27829991234' })).event;

		const receipt = (status) => ({
			event_type: expect.any(String),
			whatsapp_id: '27829991234',
			organization_id: ORGS.acme.id,
			whatsapp_message_id: expect.stringMatching(WAMID),
			status,
			timestamp: expect.stringMatching(ISO),
		});
		expect(emitted.message_sent).toEqual(receipt('sent'));
		expect(emitted.message_delivered).toEqual(receipt('delivered'));
		expect(emitted.message_read).toEqual(receipt('read'));
		expect(emitted.message_failed).toEqual(receipt('failed'));
		expect(emitted.message_received.contact_id).toBeNull();
		expect(emitted.sent_message).toMatchObject({
			event_type: 'sent_message',
			whatsapp_id: '27829991234',
			id: expect.stringMatching(UUID),
			sender_type: 'bot-whatsapp',
			message_status: 'sent',
			whatsapp_message_id: expect.stringMatching(WAMID),
			sent_receipt_received: false,
			delivered_receipt_received: false,
			read_receipt_received: false,
		});
		expect(emitted.call).toMatchObject({ event_type: 'call', organization_id: ORGS.acme.id, phone_number_id: expect.any(String) });
		expect(receiver.received.map((request) => request.body.event_type)).toEqual([...WEBHOOK_EVENT_TYPES]);

		const { event } = await sandbox.emit('acme', { event_type: 'message_failed', status: 'undelivered', message_type: 'image', extra: 1 });
		expect(event).toMatchObject({ status: 'undelivered', message_type: 'image', extra: 1, whatsapp_id: EXISTING.whatsapp_id });
	});

	it('reports a delivery that got no answer, and delivers nothing without a matching registration', async () => {
		const nobody = `http://127.0.0.1:${await closedPort()}/nobody`;
		await register({ url: nobody, type: 'message_received' });
		const { deliveries } = await sandbox.emit('acme', { event_type: 'message_received' });
		expect(deliveries).toEqual([{ webhook_id: expect.stringMatching(UUID), type: 'message_received', target: nobody, error: 'ECONNREFUSED' }]);
		expect((await sandbox.emit('acme', { event_type: 'message_read' })).deliveries).toEqual([]);
		expect((await sandbox.emit('globex', { event_type: 'message_received' })).deliveries).toEqual([]);
	});

	it('is a control route too, and refuses what it cannot play', async () => {
		await register({ url: `${receiver.url}/web?secret=w`, type: 'message_received', platform: 'web' });
		const res = await control('emit', { event_type: 'message_received', platform: 'web', sender_type: 'user-web', message: 'From the site' });
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ success: true, event: { sender_type: 'user-web', message: 'From the site' }, deliveries: [{ status: 200 }] });
		expect(receiver.received[0].body).not.toHaveProperty('platform');

		expect((await control('emit', { event_type: 'all' })).status).toBe(400);
		expect((await control('emit', { org: 'initech', event_type: 'call' })).status).toBe(404);
		expect((await control('emit', { event_type: 'call', platform: 'sms' })).status).toBe(400);
	});

	it('never writes the registered URL’s query (where a secret travels) to its log', async () => {
		await register({ url: `${receiver.url}/hook?secret=do-not-log-me`, type: 'all' });
		await sandbox.emit('acme', { event_type: 'message_read' });
		expect(logLines.some((line) => /^deliver message_read http:\/\/127\.0\.0\.1:\d+\/hook 200 \d+ms org=acme$/.test(line))).toBe(true);
		expect(logLines.join('\n')).not.toContain('do-not-log-me');
	});

	it('forgets every registration on reset', async () => {
		await register({ url: `${receiver.url}/hook`, type: 'all' });
		sandbox.reset();
		expect(sandbox.webhooks('acme')).toEqual([]);
		expect((await sandbox.emit('acme', { event_type: 'message_received' })).deliveries).toEqual([]);
		expect(receiver.received).toEqual([]);
	});
});
