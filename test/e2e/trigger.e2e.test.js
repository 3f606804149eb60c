'use strict';
/**
 * End-to-end: the FlowIQ Trigger in a real `n8n start` (1.x and 2.x, one start each), with the
 * packed package installed the way the Community Nodes screen installs it and the FlowIQ sandbox
 * playing FlowIQ. The workflow (FlowIQ Trigger → NoOp) is activated through n8n's REST API, the
 * sandbox delivers events to what the node registered, and the REST executions API tells what ran.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const dev = require('../../scripts/dev');
const host = require('../../scripts/n8n-host');
const { startSandbox, fixtures } = require('../../sandbox/server');
const { usePackedPackage } = require('./packed');
const { ACME_CREDENTIAL, untilPublished, withAcmeCredential } = require('./realN8n');

const SETUP_TIMEOUT = 15 * 60 * 1000; // covers a first-time host install
const TEST_TIMEOUT = 120 * 1000;
/** How long an execution may take to show up, and how long to watch for one that must not. */
const EXECUTION_WAIT_MS = 30 * 1000;
const QUIET_MS = 1500;

const WORKFLOW_ID = 'flowiqE2eTrigger';
const WEBHOOK_ID = 'e3000000-0000-4000-8000-00000000f1a0';
const TRIGGER = 'FlowIQ Trigger';
const EXISTING = fixtures.SEED_CONTACTS.acme[0];
const EXAMPLE_FILE = path.join(__dirname, '..', '..', 'examples', 'flowiq-answer-incoming-message.json');
// Its id has at most 16 characters: n8n 1.x saves no static data (the trigger's registration) for
// a workflow with a longer one.
const EXAMPLE = JSON.parse(fs.readFileSync(EXAMPLE_FILE, 'utf8'));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function triggerWorkflow() {
	return {
		id: WORKFLOW_ID,
		name: 'FlowIQ e2e: FlowIQ Trigger',
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			{
				id: 'e3000000-0000-4000-8000-000000000001',
				name: TRIGGER,
				type: 'n8n-nodes-flowiq.flowIqTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId: WEBHOOK_ID,
				parameters: { events: ['message_received', 'message_failed'] },
				credentials: { flowIqApi: { ...ACME_CREDENTIAL } },
			},
			{
				id: 'e3000000-0000-4000-8000-000000000002',
				name: 'Received',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [220, 0],
				parameters: {},
			},
		],
		connections: { [TRIGGER]: { main: [[{ node: 'Received', type: 'main', index: 0 }]] } },
	};
}

const tarball = usePackedPackage(SETUP_TIMEOUT);

describe.each(['1', '2'])('FlowIQ Trigger in a real n8n %s.x', (major) => {
	let work;
	let sandbox;
	let n8n;
	let cookie;
	const sandboxLog = [];

	beforeAll(async () => {
		await host.ensureHost(major);
		work = fs.mkdtempSync(path.join(os.tmpdir(), `flowiq-e2e-trigger-n8n${major}-`));
		const userFolder = path.join(work, 'user');
		host.installLikeCommunityNodes(userFolder, tarball());
		sandbox = await startSandbox({ log: (line) => sandboxLog.push(line) });
		await host.importIntoN8n(major, userFolder, {
			credentials: [
				{
					...ACME_CREDENTIAL,
					type: 'flowIqApi',
					data: { apiKey: fixtures.KEYS.acme, tenantId: fixtures.ORGS.acme.tenantId, baseUrl: sandbox.url },
				},
			],
			workflows: [triggerWorkflow(), withAcmeCredential(EXAMPLE)],
		});
		n8n = await dev.startN8n({ major, userFolder, port: await dev.freePort() });
		({ cookie } = await dev.setupOwner(n8n.url));
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
		if (work) fs.rmSync(work, { recursive: true, force: true });
	});

	const api = (route, options = {}) => dev.rest(n8n.url, route, { cookie, ...options });
	const webhookUrl = () => `${n8n.url}/webhook/${WEBHOOK_ID}/webhook`;

	async function activate(workflowId = WORKFLOW_ID, versionId = undefined) {
		const body = { versionId: versionId ?? (await api(`/workflows/${workflowId}`)).data.versionId };
		await api(`/workflows/${workflowId}/activate`, { method: 'POST', body });
		await untilPublished(n8n.url, cookie, workflowId, true);
	}

	async function deactivate(workflowId = WORKFLOW_ID) {
		await api(`/workflows/${workflowId}/deactivate`, { method: 'POST', body: {} });
		await untilPublished(n8n.url, cookie, workflowId, false);
	}

	/**
	 * A workflow's executions, newest first, each once. n8n 2.x builds the list from two queries run
	 * side by side, the running executions and all of them, and joins the two: one that finishes
	 * between them is listed twice, under the same id.
	 */
	async function executions(workflowId = WORKFLOW_ID) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const { data } = await api(`/executions?filter=${filter}`);
		const byId = new Map(data.results.map((execution) => [execution.id, execution]));
		return [...byId.values()].sort((a, b) => Number(b.id) - Number(a.id));
	}

	/** Waits until a workflow has `count` finished executions; the newest one, whole, and its stored text. */
	async function waitForExecutions(count, workflowId = WORKFLOW_ID) {
		const deadline = Date.now() + EXECUTION_WAIT_MS;
		for (;;) {
			const listed = await executions(workflowId);
			if (listed.length > count) throw new Error(`expected ${count} executions, found ${listed.length}`);
			if (listed.length === count && listed.every((execution) => execution.finished || ['success', 'error'].includes(execution.status))) {
				return await execution(listed[0].id);
			}
			if (Date.now() > deadline) throw new Error(`${count} executions did not finish within ${EXECUTION_WAIT_MS} ms: ${JSON.stringify(listed)}`);
			await sleep(250);
		}
	}

	/** One execution as n8n's REST API gives it, with its run data unpacked, and the stored text. */
	async function execution(id) {
		const { data } = await api(`/executions/${id}`);
		const flatted = require(path.join(host.CACHE_ROOT, `n8n-${host.HOSTS[major].n8nVersion}`, 'node_modules', 'flatted'));
		const stored = JSON.stringify(data);
		return { ...data, run: typeof data.data === 'string' ? flatted.parse(data.data) : data.data, stored };
	}

	/** Checks that no new execution appears for a while. */
	async function expectNoNewExecution(count) {
		await sleep(QUIET_MS);
		expect(await executions()).toHaveLength(count);
	}

	/** A POST to the trigger's production URL: `query` is the query string, `body` sent as is. */
	async function post(query, body, headers = { 'Content-Type': 'application/json' }) {
		const response = await fetch(`${webhookUrl()}${query}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(10000) });
		const text = await response.text();
		let json;
		try {
			json = JSON.parse(text);
		} catch {
			json = text;
		}
		return { status: response.status, body: json };
	}

	let secret;

	it(
		'activating registers the node’s URL once per chosen event at FlowIQ, with one secret in it',
		async () => {
			await activate();
			const registered = sandbox.webhooks('acme');
			expect(registered.map(({ type, platform }) => `${type}/${platform}`)).toEqual(['message_failed/whatsapp', 'message_received/whatsapp']);
			const urls = registered.map((webhook) => new URL(webhook.url));
			for (const url of urls) {
				expect(`${url.origin}${url.pathname}`).toBe(webhookUrl());
				expect([...url.searchParams.keys()]).toEqual(['secret']);
				expect(url.searchParams.get('secret')).toMatch(/^[0-9a-f]{64}$/);
			}
			secret = urls[0].searchParams.get('secret');
			expect(urls[1].searchParams.get('secret')).toBe(secret);
			// The sandbox's request log shows the registrations, never the URL they carry.
			expect(sandboxLog.filter((line) => line.startsWith('POST /set-webhooks'))).toEqual([
				expect.stringMatching(/^POST \/set-webhooks\?tenantId=acme 201 \d+ms org=acme$/),
				expect.stringMatching(/^POST \/set-webhooks\?tenantId=acme 201 \d+ms org=acme$/),
			]);
		},
		TEST_TIMEOUT,
	);

	it(
		'a message FlowIQ reports starts one execution with one item: FlowIQ’s fields and phone_number',
		async () => {
			const { event, deliveries } = await sandbox.emit('acme', { event_type: 'message_received', message: 'Is my order on its way?' });
			expect(deliveries).toEqual([expect.objectContaining({ type: 'message_received', status: 200 })]);
			const run = await waitForExecutions(1);
			expect(run).toMatchObject({ mode: 'webhook', status: 'success' });
			const { runData } = run.run.resultData;
			const expected = [{ json: { ...event, phone_number: EXISTING.phone_number } }];
			expect(runData[TRIGGER][0].data.main[0].map(({ json }) => ({ json }))).toEqual(expected);
			expect(runData.Received[0].data.main[0].map(({ json }) => ({ json }))).toEqual(expected);
			expect(event).toMatchObject({ whatsapp_id: EXISTING.whatsapp_id, contact_id: EXISTING.id, message: 'Is my order on its way?' });
			expect(run.stored).not.toContain(secret);
		},
		TEST_TIMEOUT,
	);

	it(
		'refuses forged requests with 401 and starts nothing',
		async () => {
			const event = JSON.stringify({ event_type: 'message_received', whatsapp_id: EXISTING.whatsapp_id, message: 'forged' });
			const refused = {
				error: 'Unauthorized',
				message: 'This address takes only the FlowIQ events sent to the URL the FlowIQ Trigger registered',
			};
			expect(await post('', event)).toEqual({ status: 401, body: refused });
			expect(await post(`?secret=${'0'.repeat(64)}`, event)).toEqual({ status: 401, body: refused });
			expect(await post(`?secret=${secret.slice(0, -1)}`, event)).toEqual({ status: 401, body: refused });
			expect(await post('', event, { 'Content-Type': 'application/json', 'X-Secret': secret })).toEqual({ status: 401, body: refused });
			await expectNoNewExecution(1);
		},
		TEST_TIMEOUT,
	);

	it(
		'refuses malformed and oversized bodies and other methods, acknowledges events not chosen, and starts nothing',
		async () => {
			const withSecret = `?secret=${secret}`;
			const invalid = (message) => ({ status: 400, body: { error: 'Invalid event', message } });
			expect(await post(withSecret, JSON.stringify({ whatsapp_id: EXISTING.whatsapp_id }))).toEqual(invalid('The body has no event_type: it is not a FlowIQ event'));
			expect(await post(withSecret, JSON.stringify([{ event_type: 'message_received' }]))).toEqual(invalid('The body must be a JSON object: a FlowIQ event'));
			expect(await post(withSecret, 'event_type=message_received', { 'Content-Type': 'text/plain' })).toEqual(
				invalid('The body must be a JSON object: a FlowIQ event'),
			);
			// n8n parses the JSON before the node sees it, and refuses what does not parse itself.
			expect((await post(withSecret, '{"event_type": "message_received",')).status).toBe(422);

			const big = JSON.stringify({ event_type: 'message_received', whatsapp_id: EXISTING.whatsapp_id, message: 'x'.repeat(1024 * 1024) });
			expect(await post(withSecret, big)).toEqual({ status: 413, body: { error: 'Payload too large', message: 'A FlowIQ event is at most 1 MB' } });

			const notChosen = await post(withSecret, JSON.stringify({ event_type: 'message_read', whatsapp_id: EXISTING.whatsapp_id, status: 'read' }));
			expect(notChosen).toEqual({
				status: 200,
				body: { received: true, started: false, message: 'message_read is not one of the events this trigger listens for' },
			});

			// Only POST is registered: n8n itself answers other methods.
			const get = await fetch(`${webhookUrl()}${withSecret}`, { signal: AbortSignal.timeout(10000) });
			expect(get.status).toBe(404);
			expect(await get.text()).toContain('POST');

			await expectNoNewExecution(1);
		},
		TEST_TIMEOUT,
	);

	it(
		'deactivating stops the executions; activating again registers nothing new, and FlowIQ’s calls work again',
		async () => {
			await deactivate();
			const whileInactive = await sandbox.emit('acme', { event_type: 'message_failed', status: 'undelivered' });
			expect(whileInactive.deliveries.map((delivery) => delivery.status)).toEqual([404]);
			await expectNoNewExecution(1);

			await activate();
			expect(sandbox.webhooks('acme')).toHaveLength(2);
			expect(sandboxLog.filter((line) => line.startsWith('POST /set-webhooks'))).toHaveLength(2);

			const { event, deliveries } = await sandbox.emit('acme', { event_type: 'message_failed', status: 'undelivered' });
			expect(deliveries.map((delivery) => delivery.status)).toEqual([200]);
			const run = await waitForExecutions(2);
			expect(run.run.resultData.runData[TRIGGER][0].data.main[0].map(({ json }) => json)).toEqual([
				{ ...event, phone_number: EXISTING.phone_number },
			]);
		},
		TEST_TIMEOUT,
	);

	it(
		'changing the events registers anew with a new secret: FlowIQ’s older webhooks are refused with 401',
		async () => {
			await deactivate();
			const { data: workflow } = await api(`/workflows/${WORKFLOW_ID}`);
			const nodes = workflow.nodes.map((node) => (node.name === TRIGGER ? { ...node, parameters: { ...node.parameters, events: ['all'] } } : node));
			const { data: saved } = await api(`/workflows/${WORKFLOW_ID}`, {
				method: 'PATCH',
				body: { name: workflow.name, nodes, connections: workflow.connections, settings: workflow.settings, versionId: workflow.versionId },
			});
			await activate(WORKFLOW_ID, saved.versionId);

			const registered = sandbox.webhooks('acme');
			expect(registered.map((webhook) => webhook.type)).toEqual(['message_failed', 'message_received', 'all']);
			const newSecret = new URL(registered[2].url).searchParams.get('secret');
			expect(newSecret).toMatch(/^[0-9a-f]{64}$/);
			expect(newSecret).not.toBe(secret);

			const { event, deliveries } = await sandbox.emit('acme', { event_type: 'message_received' });
			expect(deliveries.map(({ type, status }) => `${type} ${status}`)).toEqual(['message_received 401', 'all 200']);
			const run = await waitForExecutions(3);
			expect(run.run.resultData.runData[TRIGGER][0].data.main[0].map(({ json }) => json)).toEqual([
				{ ...event, phone_number: EXISTING.phone_number },
			]);
			await expectNoNewExecution(3);

			// No execution, stored or listed, holds either secret.
			for (const { id } of await executions()) {
				const { stored } = await execution(id);
				expect(stored).not.toContain(secret);
				expect(stored).not.toContain(newSecret);
			}
			expect(n8n.output()).not.toContain(secret);
			expect(n8n.output()).not.toContain(newSecret);
		},
		TEST_TIMEOUT,
	);

	it(
		'the example answers a known customer’s message and adds an unknown sender to FlowIQ',
		async () => {
			await deactivate();
			await activate(EXAMPLE.id);
			const exampleWebhooks = sandbox.webhooks('acme').filter((webhook) => webhook.url.includes(EXAMPLE.nodes[1].webhookId));
			expect(exampleWebhooks.map((webhook) => webhook.type)).toEqual(['message_received']);

			const toExample = (deliveries) => deliveries.filter((delivery) => delivery.webhook_id === exampleWebhooks[0].id);
			const first = await sandbox.emit('acme', { event_type: 'message_received', message: 'Hello?' });
			expect(toExample(first.deliveries)).toEqual([expect.objectContaining({ status: 200 })]);
			const known = await waitForExecutions(1, EXAMPLE.id);
			expect(known.status).toBe('success');
			expect(sandbox.sent('acme').map(({ recipient, body }) => ({ recipient, text: body.text }))).toEqual([
				{ recipient: EXISTING.whatsapp_id, text: 'Hi Existing, thanks for your message! One of our team will get back to you shortly.' },
			]);

			const second = await sandbox.emit('acme', { event_type: 'message_received', whatsapp_id: '27829995678', contact_id: null });
			expect(toExample(second.deliveries)).toEqual([expect.objectContaining({ status: 200 })]);
			const unknown = await waitForExecutions(2, EXAMPLE.id);
			expect(unknown.status).toBe('success');
			expect(unknown.run.resultData.runData.Reply).toBeUndefined();
			expect(sandbox.contacts('acme').find((contact) => contact.whatsapp_id === '27829995678')).toMatchObject({
				full_name: 'WhatsApp +27829995678',
				phone_number: '+27829995678',
				tags: ['whatsapp', 'inbound'],
			});
			expect(sandbox.sent('acme')).toHaveLength(1);
			await deactivate(EXAMPLE.id);
		},
		TEST_TIMEOUT,
	);
});
