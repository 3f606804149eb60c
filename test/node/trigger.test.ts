/**
 * The FlowIQ Trigger in n8n-core's own hook and webhook contexts, against the sandbox: what
 * activation registers at FlowIQ and keeps in static data, when it registers again, how a failed
 * registration ends, and how the trigger answers each kind of request to its URL.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeParameters, IWebhookResponseData } from 'n8n-workflow';

import { FlowIqApi } from '../../credentials/FlowIqApi.credentials';
import { FlowIqTrigger } from '../../nodes/FlowIqTrigger/FlowIqTrigger.node';
import { triggerContexts } from '../../scripts/engine';
import { fixtures, useSandbox } from './harness';

jest.setTimeout(20000);

const sandbox = useSandbox();
const trigger = new FlowIqTrigger();
const methods = trigger.webhookMethods.default;

function setUp(parameters: INodeParameters = { events: ['message_received'] }, credentials: IDataObject = {}) {
	const contexts = triggerContexts({
		nodeType: trigger,
		parameters,
		credentials: {
			type: 'flowIqApi',
			credentialType: new FlowIqApi(),
			data: { apiKey: fixtures.KEYS.acme, tenantId: 'acme', baseUrl: sandbox.url, ...credentials },
		},
	});
	/** Activation as n8n runs it: checkExists, then create when it says no. */
	const activate = async () => {
		const hook = contexts.hook();
		if (await methods.checkExists.call(hook)) return false;
		await methods.create.call(hook);
		return true;
	};
	const staticData = () => contexts.workflow.getStaticData('node', contexts.workflow.getNode('FlowIQ')!);
	return { ...contexts, activate, staticData };
}

/** A webhook the sandbox holds, as POST /set-webhooks registered it. */
interface Webhook {
	id: string;
	url: string;
	type: string;
	platform: string;
}

const webhooksOf = (org: string): Webhook[] => sandbox.webhooks(org);

/** The secret in a registered URL. */
const secretOf = (url: string) => new URL(url).searchParams.get('secret') ?? '';

/** One request to the trigger's URL, through n8n-core's webhook context; what it answered. */
async function call(contexts: ReturnType<typeof setUp>, { query = {}, body, headers = {} }: { query?: IDataObject; body?: unknown; headers?: IDataObject }) {
	const response = {
		statusCode: 200,
		sent: undefined as unknown,
		status(code: number) {
			this.statusCode = code;
			return this;
		},
		json(payload: unknown) {
			this.sent = payload;
			return this;
		},
	};
	const result: IWebhookResponseData = await trigger.webhook.call(contexts.webhook({ query, body, headers }, response));
	return { result, response: { status: response.statusCode, body: response.sent } };
}

describe('activation', () => {
	it('registers the URL with a new secret once per type, and keeps the registration in static data', async () => {
		const contexts = setUp({ events: ['message_read', 'message_received'], platform: 'whatsapp' });
		expect(await contexts.activate()).toBe(true);

		const registered = webhooksOf('acme');
		expect(registered.map((webhook) => webhook.type)).toEqual(['message_read', 'message_received']);
		const secret = secretOf(registered[0].url);
		expect(secret).toMatch(/^[0-9a-f]{64}$/);
		for (const webhook of registered) expect(webhook.url).toBe(`${contexts.webhookUrl}?secret=${secret}`);
		expect(contexts.staticData()).toEqual({
			flowIqRegistration: {
				webhookUrl: contexts.webhookUrl,
				platform: 'whatsapp',
				types: ['message_read', 'message_received'],
				account: expect.stringMatching(/^[0-9a-f]{16}$/),
				secretDigest: createHash('sha256').update(secret).digest('hex'),
				webhookIds: registered.map((webhook) => webhook.id),
				registeredAt: expect.any(String),
			},
		});
		// Only FlowIQ holds the secret: n8n 1.x copies static data into every saved execution.
		expect(JSON.stringify(contexts.staticData())).not.toContain(secret);
	});

	it('registers nothing again for the same settings, after a deactivation too', async () => {
		const contexts = setUp();
		expect(await contexts.activate()).toBe(true);
		await methods.delete.call(contexts.hook());
		expect(await contexts.activate()).toBe(false);
		expect(webhooksOf('acme')).toHaveLength(1);
	});

	it.each([
		['other events', { events: ['all'] }, {}],
		['another platform', { events: ['message_received'], platform: 'web' }, {}],
		['another organisation', { events: ['message_received'] }, { apiKey: fixtures.KEYS.globex, tenantId: 'globex' }],
	])('registers again, with a new secret, for %s', async (_case, parameters, credentials) => {
		const first = setUp();
		await first.activate();
		const changed = triggerWithStaticDataOf(first, parameters, credentials);
		expect(await changed.activate()).toBe(true);
		const all = [...webhooksOf('acme'), ...webhooksOf('globex')];
		expect(all).toHaveLength(2);
		expect(secretOf(all[1].url)).not.toBe(secretOf(all[0].url));
	});

	it('registers once, as all, when every event is chosen', async () => {
		await setUp({ events: ['message_received', 'all'] }).activate();
		expect(webhooksOf('acme').map((webhook) => webhook.type)).toEqual(['all']);
	});

	it('sends "web" for the Web platform', async () => {
		await setUp({ events: ['message_received'], platform: 'web' }).activate();
		expect(webhooksOf('acme').map((webhook) => webhook.platform)).toEqual(['web']);
	});

	it('fails with FlowIQ’s words, keeps nothing, and says what FlowIQ may hold', async () => {
		const contexts = setUp({ events: ['message_delivered', 'message_received'] });
		sandbox.failNext({ status: 400, echo: true }, 1, 'POST /set-webhooks');
		await expect(contexts.activate()).rejects.toMatchObject({
			message: expect.stringMatching(/^FlowIQ answered 400 \(Injected fault\) to the registration of the webhook for message_delivered: Sandbox fault 400/),
			description: expect.stringContaining('remove them in FlowIQ if its dashboard offers it'),
		});
		expect(contexts.staticData()).toEqual({});
	});

	it('keeps no partial registration: FlowIQ’s calls to a webhook registered before a failure are refused', async () => {
		const contexts = setUp({ events: ['message_delivered', 'message_received'] });
		// The first registration goes through (a fault that changes nothing takes its turn); the second meets a 400.
		sandbox.failNext({ kind: 'slow', delayMs: 0 }, 1, 'POST /set-webhooks');
		sandbox.failNext({ status: 400 }, 1, 'POST /set-webhooks');
		await expect(contexts.activate()).rejects.toThrow(/to the registration of the webhook for message_received/);
		expect(contexts.staticData()).toEqual({});
		const [partial] = webhooksOf('acme');
		expect(partial.type).toBe('message_delivered');
		const { response } = await call(contexts, { query: { secret: secretOf(partial.url) }, body: { event_type: 'message_delivered' } });
		expect(response.status).toBe(401);
	});

	it('retries a 503 or 429 (FlowIQ did nothing), but not a 500 or a lost answer (FlowIQ may have registered it)', async () => {
		const retried = setUp();
		sandbox.failNext({ status: 503 }, 1, 'POST /set-webhooks');
		expect(await retried.activate()).toBe(true);
		expect(webhooksOf('acme')).toHaveLength(1);

		sandbox.failNext({ status: 500, phase: 'after' }, 1, 'POST /set-webhooks');
		const once = setUp({ events: ['all'] });
		await expect(once.activate()).rejects.toThrow('FlowIQ answered 500 (Internal server error) to the registration of the webhook for all: Failed to create contact');
		// FlowIQ registered it before the 500; the node did not send it again.
		expect(webhooksOf('acme').map((webhook) => webhook.type)).toEqual(['message_received', 'all']);
		expect(sandbox.stats().byStatus).toEqual({ 201: 1, 500: 1, 503: 1 });
	});

	it('keeps the secret and the key out of the error when FlowIQ repeats what it was sent', async () => {
		// A FlowIQ stand-in that refuses every registration, quoting the request back.
		const echoing = createServer((req, res) => {
			let raw = '';
			req.on('data', (chunk) => (raw += chunk));
			req.on('end', () => {
				res.writeHead(400, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ error: `Bad URL ${JSON.parse(raw).url}`, message: `Refused ${raw} from ${req.headers.authorization}` }));
			});
		});
		await new Promise<void>((resolve) => echoing.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = echoing.address() as AddressInfo;
			const contexts = setUp({ events: ['message_received'] }, { baseUrl: `http://127.0.0.1:${port}` });
			const error = await contexts.activate().then(
				() => undefined,
				(thrown: Error) => thrown,
			);
			expect(error?.message).toMatch(/^FlowIQ answered 400 \(Bad URL http:\/\/localhost:5678\/webhook\/\S+\?secret=\[redacted\]\) to the registration/);
			const shown = JSON.stringify({ ...error, message: error?.message, description: (error as { description?: string }).description });
			expect(shown).toContain('[redacted]');
			expect(shown).not.toContain(fixtures.KEYS.acme);
			expect(shown).not.toMatch(/secret=[0-9a-f]{64}/);
		} finally {
			await new Promise((resolve) => echoing.close(resolve));
		}
	});

	it('refuses a plain http webhook URL when FlowIQ is not on this machine, before sending anything', async () => {
		const contexts = setUp({ events: ['message_received'] }, { baseUrl: 'https://api.flowiq.live' });
		await expect(contexts.activate()).rejects.toMatchObject({
			message: 'FlowIQ only calls https:// addresses, and n8n’s webhook URL for this node is http://localhost:5678',
			description: expect.stringContaining('WEBHOOK_URL'),
		});
		expect(sandbox.stats().requests).toBe(0);
	});

	it('refuses a credential that is wrong before sending anything', async () => {
		await expect(setUp({ events: ['message_received'] }, { apiKey: 'not-a-key' }).activate()).rejects.toThrow('The API key must start with fiq_');
		expect(sandbox.stats().requests).toBe(0);
	});
});

/** A second node set-up that starts from the first one's static data, as one active workflow does. */
function triggerWithStaticDataOf(first: ReturnType<typeof setUp>, parameters: INodeParameters, credentials: IDataObject) {
	const changed = setUp(parameters, credentials);
	// Static data is n8n's observable proxy, which structuredClone cannot copy.
	Object.assign(changed.staticData(), JSON.parse(JSON.stringify(first.staticData())));
	return changed;
}

describe('a request to the URL', () => {
	async function activated(parameters: INodeParameters = { events: ['message_received', 'message_failed'] }) {
		const contexts = setUp(parameters);
		await contexts.activate();
		return { contexts, secret: secretOf(webhooksOf('acme')[0].url) };
	}

	const EVENT = {
		event_type: 'message_received',
		whatsapp_id: '27825550100',
		organization_id: fixtures.ORGS.acme.id,
		message_type: 'text',
		message: 'Hello',
	};

	it('starts one execution with the event and its phone_number when it carries the secret', async () => {
		const { contexts, secret } = await activated();
		const { result } = await call(contexts, { query: { secret }, body: EVENT, headers: { 'content-length': '120' } });
		expect(result).toEqual({ workflowData: [[{ json: { ...EVENT, phone_number: '+27825550100' } }]] });
	});

	it.each([
		['no secret', {}],
		['a wrong secret', { secret: 'f'.repeat(64) }],
		['two secrets', { secret: ['x', 'y'] }],
	])('answers 401 and starts nothing for %s', async (_case, query) => {
		const { contexts } = await activated();
		const { result, response } = await call(contexts, { query, body: EVENT });
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response).toEqual({
			status: 401,
			body: { error: 'Unauthorized', message: 'This address takes only the FlowIQ events sent to the URL the FlowIQ Trigger registered' },
		});
	});

	it('answers 401 when the workflow never registered', async () => {
		const { result, response } = await call(setUp(), { query: { secret: 'anything' }, body: EVENT });
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response.status).toBe(401);
	});

	it('answers 400 for a body that is no FlowIQ event, 413 above 1 MB, and 200 without an execution for an event not chosen', async () => {
		const { contexts, secret } = await activated();
		expect((await call(contexts, { query: { secret }, body: 'text' })).response).toEqual({
			status: 400,
			body: { error: 'Invalid event', message: 'The body must be a JSON object: a FlowIQ event' },
		});
		expect((await call(contexts, { query: { secret }, body: { message: 'no type' } })).response.status).toBe(400);
		expect((await call(contexts, { query: { secret }, body: EVENT, headers: { 'content-length': String(1024 * 1024 + 1) } })).response).toEqual({
			status: 413,
			body: { error: 'Payload too large', message: 'A FlowIQ event is at most 1 MB' },
		});
		const ignored = await call(contexts, { query: { secret }, body: { ...EVENT, event_type: `message_read ${secret}` } });
		expect(ignored.result).toEqual({ noWebhookResponse: true });
		expect(ignored.response).toEqual({
			status: 200,
			body: { received: true, started: false, message: 'message_read [redacted] is not one of the events this trigger listens for' },
		});
	});

	it('takes every event when registered for all of them', async () => {
		const { contexts, secret } = await activated({ events: ['all'] });
		const { result } = await call(contexts, { query: { secret }, body: { ...EVENT, event_type: 'message_read', status: 'read' } });
		expect(result.workflowData?.[0][0].json).toMatchObject({ event_type: 'message_read', phone_number: '+27825550100' });
	});
});
