'use strict';
/**
 * End-to-end: the packed package installed the way n8n's Community Nodes screen installs it,
 * in a real n8n 1.x and 2.x, workflows run with `n8n execute` against the FlowIQ sandbox, and
 * the credential dialog's "Test" and the Stop button through `n8n start`'s REST API.
 *
 * The n8n hosts live in ~/.cache/n8n-nodes-flowiq (scripts/n8n-host.js installs them on first
 * use: about 3.5 minutes each). Every n8n CLI call costs seconds, so each major imports all its
 * credentials in one call and every workflow in one call.
 */
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const host = require('../../scripts/n8n-host');
const { usePackedPackage } = require('./packed');
const dev = require('../../scripts/dev');
const { startSandbox, fixtures } = require('../../sandbox/server');
const { until } = require('./realN8n');

const WORKFLOW_DIR = path.join(__dirname, 'workflows');
const EXAMPLE_FILE = path.join(__dirname, '..', '..', 'examples', 'flowiq-create-contacts.json');

const ACME_CREDENTIAL = { id: 'flowiqE2eAcme', name: 'FlowIQ e2e (acme)' };
const REVOKED_CREDENTIAL = { id: 'flowiqE2eRevoked', name: 'FlowIQ e2e (revoked key)' };
const GLOBEX_KEY_CREDENTIAL = { id: 'flowiqE2eGlobexKey', name: 'FlowIQ e2e (globex key, acme tenant)' };

const REVOKED_ERROR = 'FlowIQ answered 401 (Invalid API key): API key has been revoked';
const REVOKED_HINT = 'Check the API key in the FlowIQ API credential: copy a fresh fiq_ key from the FlowIQ dashboard';

const SETUP_TIMEOUT = 15 * 60 * 1000; // covers a first-time host install (about 3.5 minutes each)
const RUN_TIMEOUT = 120 * 1000;
const SERVER_TIMEOUT = 240 * 1000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The example from examples/, re-pointed at this suite's acme credential. */
function exampleWorkflow() {
	const workflow = JSON.parse(fs.readFileSync(EXAMPLE_FILE, 'utf8'));
	const flowIq = workflow.nodes.find((node) => node.type === 'n8n-nodes-flowiq.flowIq');
	flowIq.credentials = { flowIqApi: { ...ACME_CREDENTIAL } };
	return workflow;
}

function testWorkflows() {
	return fs
		.readdirSync(WORKFLOW_DIR)
		.filter((file) => file.endsWith('.json'))
		.map((file) => JSON.parse(fs.readFileSync(path.join(WORKFLOW_DIR, file), 'utf8')));
}

function credentialsFor(sandboxUrl) {
	return [
		{
			...ACME_CREDENTIAL,
			type: 'flowIqApi',
			data: { apiKey: fixtures.KEYS.acme, tenantId: fixtures.ORGS.acme.tenantId, baseUrl: sandboxUrl },
		},
		{
			...REVOKED_CREDENTIAL,
			type: 'flowIqApi',
			data: { apiKey: fixtures.KEYS.revoked, tenantId: fixtures.ORGS.acme.tenantId, baseUrl: sandboxUrl },
		},
		{
			...GLOBEX_KEY_CREDENTIAL,
			type: 'flowIqApi',
			data: { apiKey: fixtures.KEYS.globex, tenantId: fixtures.ORGS.acme.tenantId, baseUrl: sandboxUrl },
		},
	];
}

/** The credential Test's messages (credentials/FlowIqApi.credentials.ts), as the dialog shows them. */
const CHECK_BASE_URL = 'check the Base URL (FlowIQ’s is https://api.flowiq.live)';
const CREDENTIAL_TEST = {
	rejectedKey: 'FlowIQ rejected the API key: copy a fresh fiq_ key from the FlowIQ dashboard (Settings → API Keys)',
	anotherOrganisation:
		'The API key belongs to another organisation than the Tenant ID: copy the Tenant ID from Settings → Account Information in FlowIQ, or a key of that organisation',
	noOrganisation: `FlowIQ found no organisation for this Tenant ID: copy it from Settings → Account Information in FlowIQ. If it is right, ${CHECK_BASE_URL}`,
	notFlowIq: `The Base URL answered, but not as FlowIQ does: ${CHECK_BASE_URL}. If it is right, FlowIQ or a proxy in front of it may be failing: try the Test again in a minute`,
};

/** A server on 127.0.0.1 that is not FlowIQ; `received` lists each request as "METHOD /path?query". */
async function otherServer(listener) {
	const received = [];
	const server = http.createServer((request, response) => {
		received.push(`${request.method} ${request.url}`);
		listener(request, response);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		received,
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/** `json` and `pairedItem` of each item: what a downstream node and the editor see. */
function shape(items) {
	return (items ?? []).map(({ json, pairedItem }) => ({ json, pairedItem }));
}

/** The one input connection a node ran from, as { node, output } (n8n 2.x adds the run index). */
function fedBy(runData, nodeName) {
	const [task] = runData[nodeName];
	expect(task.source).toHaveLength(1);
	return { node: task.source[0].previousNode, output: task.source[0].previousNodeOutput ?? 0 };
}

/** A created contact as POST /contact answered it: the stored record without the summary fields. */
function asCreated(contact) {
	const { contact_summary, contact_summary_updated_at, ...answered } = contact;
	return answered;
}

/** Status codes of the POST /contact requests the sandbox answered, with the time of each answer. */
function contactPosts(requestLog) {
	return requestLog
		.map(({ at, line }) => ({ at, match: /^POST \/contact\S* (\d{3}|dropped|aborted) /.exec(line) }))
		.filter(({ match }) => match)
		.map(({ at, match }) => ({ at, status: match[1] }));
}

const tarball = usePackedPackage(SETUP_TIMEOUT);

describe.each(['1', '2'])('FlowIQ node in a real n8n %s.x', (major) => {
	let work;
	let userFolder;
	let sandbox;
	const requestLog = [];

	beforeAll(async () => {
		await host.ensureHost(major);
		work = fs.mkdtempSync(path.join(os.tmpdir(), `flowiq-e2e-n8n${major}-`));
		userFolder = path.join(work, 'user');
		host.installLikeCommunityNodes(userFolder, tarball());
		sandbox = await startSandbox({ quiet: false, log: (line) => requestLog.push({ at: Date.now(), line }) });
		await host.importIntoN8n(major, userFolder, {
			credentials: credentialsFor(sandbox.url),
			workflows: [exampleWorkflow(), ...testWorkflows()],
		});
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await sandbox?.close();
		if (work) fs.rmSync(work, { recursive: true, force: true });
	});

	beforeEach(() => {
		sandbox?.reset();
		requestLog.length = 0;
	});

	/** Runs a saved workflow with `n8n execute` and returns its runData after checking it succeeded. */
	async function execute(workflowId) {
		const run = await host.executeWorkflow(major, userFolder, workflowId);
		expect(run.data.resultData.error).toBeUndefined();
		expect(run).toMatchObject({ status: 'success', finished: true, mode: 'cli' });
		return run.data.resultData.runData;
	}

	it(
		'runs the example workflow: Created, Duplicate and Invalid reach their own downstream nodes',
		async () => {
			const runData = await execute('flowiqExampleLeads');
			const outputs = runData.FlowIQ[0].data.main;
			expect(outputs).toHaveLength(3);
			const [created, duplicate, invalid] = outputs.map(shape);

			// Created: the contact exactly as the sandbox answered the POST (stored record minus summary).
			const stored = sandbox.contacts('acme');
			expect(stored).toHaveLength(fixtures.SEED_CONTACTS.acme.length + 2); // the seeded contacts and two new ones
			const storedBy = (whatsappId) => asCreated(stored.find((contact) => contact.whatsapp_id === whatsappId));
			expect(created).toEqual([
				{ json: storedBy('27821234567'), pairedItem: { item: 0 } },
				{ json: storedBy('27827654321'), pairedItem: { item: 1 } },
			]);
			expect(created[0].json).toMatchObject({
				full_name: 'Thandi Nkosi',
				phone_number: '+27821234567',
				whatsapp_id: '27821234567',
				email: 'thandi@example.com',
				tags: ['lead', 'website'],
				organization_id: fixtures.ORGS.acme.id,
			});
			expect(created[1].json).toMatchObject({
				full_name: 'Pieter van Wyk',
				phone_number: '+27827654321',
				email: null,
				tags: ['lead'],
			});
			expect(Object.keys(created[0].json)).not.toContain('contact_summary');

			expect(duplicate).toEqual([
				{
					json: {
						existing_contact: { id: created[0].json.id, full_name: 'Thandi Nkosi', whatsapp_id: '27821234567' },
						submitted: { name: 'Thandi N.', phone_number: '+27821234567', tags: 'Lead,repeat' },
						message: 'Same phone number as item 1 earlier in this run',
					},
					pairedItem: { item: 4 },
				},
				{
					json: {
						existing_contact: {
							id: fixtures.SEED_CONTACTS.acme[0].id,
							full_name: 'Existing Customer',
							whatsapp_id: '27825550100',
						},
						submitted: { name: 'Existing Customer', phone_number: '+27825550100', tags: 'customer' },
						message: 'A contact with this phone number already exists',
					},
					pairedItem: { item: 5 },
				},
			]);

			expect(invalid).toEqual([
				{
					json: {
						error: 'Invalid WhatsApp number',
						message: 'The provided phone number is not registered on WhatsApp',
						reason: 'not_on_whatsapp',
						source: 'api',
						submitted: { name: 'Nobody Home', phone_number: '+27825550000' },
					},
					pairedItem: { item: 2 },
				},
				{
					json: {
						error: 'Invalid email',
						message: 'Email "lerato@@example.com" is not a valid address (expected name@example.com)',
						reason: 'invalid_email',
						source: 'local',
						submitted: {
							name: 'Lerato Dlamini',
							phone_number: '+27 83 111 2222',
							email: 'lerato@@example.com',
							tags: 'lead',
						},
					},
					pairedItem: { item: 3 },
				},
			]);

			// Each downstream NoOp ran once, fed by its own output, and received exactly those items.
			const downstream = { 'New contacts': created, 'Already in FlowIQ': duplicate, 'Needs fixing': invalid };
			Object.entries(downstream).forEach(([nodeName, items], output) => {
				expect(runData[nodeName]).toHaveLength(1);
				expect(fedBy(runData, nodeName)).toEqual({ node: 'FlowIQ', output });
				const received = shape(runData[nodeName][0].data.main[0]);
				expect(received.map((item) => item.json)).toEqual(items.map((item) => item.json));
				expect(received.map((item) => item.pairedItem)).toEqual(items.map((_, index) => ({ item: index })));
			});

			// The local rejection and the in-run repeat cost no request.
			expect(sandbox.stats()).toMatchObject({ requests: 4, byStatus: { 201: 2, 400: 1, 409: 1 } });
		},
		RUN_TIMEOUT,
	);

	it(
		'sends every item to the error output under "On Error: Continue (using error output)" when the key is revoked',
		async () => {
			const runData = await execute('flowiqE2eErrorOutput');
			const outputs = runData.FlowIQ[0].data.main;
			expect(outputs).toHaveLength(4); // Created, Duplicate, Invalid and n8n's error output
			expect(outputs.slice(0, 3).map((items) => items.length)).toEqual([0, 0, 0]);

			const leads = JSON.parse(
				testWorkflows()
					.find((workflow) => workflow.id === 'flowiqE2eErrorOutput')
					.nodes.find((node) => node.name === 'Leads').parameters.jsonOutput,
			).leads;
			expect(leads).toHaveLength(4);
			// n8n puts the failed item's input back together with the node's { error, message }.
			const expected = leads.map((lead, index) => ({
				json: { ...lead, error: REVOKED_ERROR, message: REVOKED_HINT },
				pairedItem: { item: index },
			}));
			expect(shape(outputs[3])).toEqual(expected);

			expect(fedBy(runData, 'FlowIQ failed')).toEqual({ node: 'FlowIQ', output: 3 });
			expect(shape(runData['FlowIQ failed'][0].data.main[0]).map((item) => item.json)).toEqual(
				expected.map((item) => item.json),
			);
			for (const nodeName of ['New contacts', 'Already in FlowIQ', 'Needs fixing']) {
				expect(runData[nodeName]).toBeUndefined();
			}

			// Three distinct numbers were sent (the fourth item repeats the first): all refused, none stored.
			expect(sandbox.stats()).toMatchObject({ requests: 3, byStatus: { 401: 3 } });
			expect(sandbox.contacts('acme')).toHaveLength(fixtures.SEED_CONTACTS.acme.length);
		},
		RUN_TIMEOUT,
	);

	it.each([
		['a 401 that repeats the Authorization header', { status: 401, echo: true }, 'request had [redacted]'],
		['a proxy page that dumps the request headers', { status: 502, html: true, echo: true }, '[redacted]'],
		['a redirect to another host', { kind: 'redirect', status: 307, location: 'http://127.0.0.1:9/contact' }, 'pointed to http://127.0.0.1:9/contact'],
	])(
		'never shows the API key when FlowIQ answers with %s: not in the run, not in what n8n prints',
		async (_case, fault, shownInstead) => {
			sandbox.failNext(fault, 50);
			const { run, printed } = await host.executeWorkflowPrinting(major, userFolder, 'flowiqE2eErrorOutput');
			// The hostile answer reached the node and every item ended on the error output, with the
			// answer's words in it, the key redacted.
			expect(sandbox.stats().faultsInjected).not.toEqual({});
			const failed = run.data.resultData.runData.FlowIQ[0].data.main[3];
			expect(failed).toHaveLength(4);
			for (const item of failed) expect(`${item.json.error} ${item.json.message}`).toContain(shownInstead);
			for (const key of Object.values(fixtures.KEYS)) expect(printed).not.toContain(key);
			expect(printed).not.toMatch(/Bearer/);
		},
		RUN_TIMEOUT,
	);

	it(
		'waits out a 429 with Retry-After and creates the contact on the retry',
		async () => {
			sandbox.failNext({ status: 429, retryAfter: 1 });
			const runData = await execute('flowiqE2eRateLimit');
			const [created, duplicate, invalid] = runData.FlowIQ[0].data.main.map(shape);

			const stored = sandbox.contacts('acme').find((contact) => contact.whatsapp_id === '27843217654');
			expect(stored).toBeDefined();
			expect(created).toEqual([{ json: asCreated(stored), pairedItem: { item: 0 } }]);
			expect(created[0].json).toMatchObject({ full_name: 'Rita Rate', phone_number: '+27843217654', tags: ['retry'] });
			expect(duplicate).toEqual([]);
			expect(invalid).toEqual([]);
			expect(shape(runData['New contacts'][0].data.main[0]).map((item) => item.json)).toEqual([created[0].json]);

			expect(sandbox.stats()).toMatchObject({
				requests: 2,
				byStatus: { 429: 1, 201: 1 },
				faultsInjected: { 429: 1 },
				queuedFaults: 0,
			});
			const posts = contactPosts(requestLog);
			expect(posts.map((post) => post.status)).toEqual(['429', '201']);
			// Retry-After: 1 was honoured (without it the first retry waits at most 500 ms).
			expect(posts[1].at - posts[0].at).toBeGreaterThanOrEqual(900);
		},
		RUN_TIMEOUT,
	);

	it(
		'in Loop Over Items, sends a number repeated in a later batch and reports it as a Duplicate',
		async () => {
			const runData = await execute('flowiqE2eLoopBatches');
			// Each batch is a run of its own: Alice and Bob in run 0, Carol (Alice's number) and Dave in run 1.
			const runs = runData.FlowIQ.map((run) => run.data.main.map(shape));
			expect(runs).toHaveLength(2);
			const alice = runs[0][0][0].json;
			expect(runs[0][0].map((item) => item.json.full_name)).toEqual(['Alice Abrahams', 'Bob Botha']);
			const [created, duplicate, invalid] = runs[1];
			expect(created.map((item) => item.json.full_name)).toEqual(['Dave Dube']);
			expect(invalid).toEqual([]);
			expect(duplicate).toEqual([
				{
					json: {
						existing_contact: { id: alice.id, full_name: 'Alice Abrahams', whatsapp_id: '27821000001' },
						submitted: { name: 'Carol Cele', phone_number: '+27821000001' },
						message: 'A contact with this phone number already exists',
					},
					pairedItem: { item: 0 },
				},
			]);
			expect(sandbox.stats()).toMatchObject({ requests: 4, byStatus: { 201: 3, 409: 1 } });
		},
		RUN_TIMEOUT,
	);

	it(
		'takes its fields from expressions over earlier nodes, with the phone from two nodes back',
		async () => {
			const runData = await execute('flowiqE2eExpressions');
			// The node right before FlowIQ has no mobile: the phone can only come from $('One item per person').
			const before = shape(runData['Without the mobile'][0].data.main[0]);
			expect(before.map((item) => item.json)).toEqual([
				{ first: 'Ada', last: 'Lovelace', labels: ['a', 'b'] },
				{ first: 'Grace', last: 'Hopper', labels: ['c', ' a ', 'C'] },
			]);

			const [created, duplicate, invalid] = runData.FlowIQ[0].data.main.map(shape);
			expect(duplicate).toEqual([]);
			expect(invalid).toEqual([]);
			const stored = sandbox.contacts('acme');
			const storedBy = (whatsappId) => asCreated(stored.find((contact) => contact.whatsapp_id === whatsappId));
			expect(created).toEqual([
				{ json: storedBy('27821234567'), pairedItem: { item: 0 } },
				{ json: storedBy('27837654321'), pairedItem: { item: 1 } },
			]);
			expect(created.map((item) => item.json)).toEqual([
				expect.objectContaining({
					full_name: 'Ada Lovelace',
					phone_number: '+27821234567', // "082 123 4567" read in ZA
					email: 'ada@example.com',
					tags: ['a', 'b'],
				}),
				expect.objectContaining({
					full_name: 'Grace Hopper',
					phone_number: '+27837654321', // "(083) 765-4321" read in ZA
					email: 'grace@example.com',
					tags: ['c', 'a'], // from a list: trimmed, repeats dropped ignoring case
				}),
			]);
			expect(sandbox.stats()).toMatchObject({ requests: 2, byStatus: { 201: 2 } });
		},
		RUN_TIMEOUT,
	);

	describe('in `n8n start`, through its REST API', () => {
		let server;
		let cookie;

		beforeAll(async () => {
			server = await dev.startN8n({ major, userFolder, port: await dev.freePort() });
			let created;
			({ cookie, created } = await dev.setupOwner(server.url));
			expect(created).toBe(true);
		}, SERVER_TIMEOUT);

		afterAll(async () => {
			await server?.stop();
		});

		const api = (route, options = {}) => dev.rest(server.url, route, { cookie, ...options });

		/**
		 * Runs a saved workflow from its Manual Trigger, as the editor's "Execute workflow" button
		 * does; resolves with the execution's id. n8n 1.x runs the workflow sent in the body, 2.x the
		 * one it has stored (and ignores the body's copy).
		 */
		async function runManually(workflowId) {
			const { data: workflowData } = await api(`/workflows/${workflowId}`);
			const trigger = workflowData.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
			const { data } = await api(`/workflows/${workflowId}/run`, {
				method: 'POST',
				body: { workflowData, triggerToStartFrom: { name: trigger.name } },
			});
			return data.executionId;
		}

		/** Stops a running execution, as its Stop button does; resolves once n8n has saved it as stopped. */
		async function stopExecution(id) {
			await api(`/executions/${id}/stop`, { method: 'POST' });
			let status;
			await until(async () => {
				({ status } = (await api(`/executions/${id}`)).data);
				return !['new', 'running'].includes(status);
			}, `execution ${id} did not end after Stop`);
			return status;
		}

		it(
			'gives the credential dialog’s Test the right message for each case, and no key in any answer (n8n start, REST)',
			async () => {
				const notFlowIq = await otherServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
				const redirecting = await otherServer((_request, response) => response.writeHead(302, { location: `${notFlowIq.url}/conversations` }).end());
				try {
					// What the editor's credential dialog does: load the stored credential (secrets
					// redacted), let the user change fields, then POST it to /rest/credentials/test, where
					// n8n swaps the stored secret back in.
					const testStored = async (id, edits = {}) => {
						const { data: stored } = await api(`/credentials/${id}?includeData=true`);
						expect(stored).toMatchObject({ id, type: 'flowIqApi', data: { tenantId: 'acme', baseUrl: sandbox.url } });
						expect(stored.data.apiKey).not.toMatch(/^fiq_/);
						const { data: result } = await api('/credentials/test', {
							method: 'POST',
							body: { credentials: { ...stored, data: { ...stored.data, ...edits } } },
						});
						return result;
					};
					const results = {
						good: await testStored(ACME_CREDENTIAL.id),
						revoked: await testStored(REVOKED_CREDENTIAL.id),
						anotherOrganisation: await testStored(GLOBEX_KEY_CREDENTIAL.id),
						unknownTenant: await testStored(ACME_CREDENTIAL.id, { tenantId: 'nope' }),
						wrongBaseUrl: await testStored(ACME_CREDENTIAL.id, { baseUrl: notFlowIq.url }),
						redirect: await testStored(ACME_CREDENTIAL.id, { baseUrl: redirecting.url }),
					};
					// An empty Base URL is FlowIQ's: offline, both fail alike at its address.
					expect(await testStored(ACME_CREDENTIAL.id, { baseUrl: '' })).toEqual(
						await testStored(ACME_CREDENTIAL.id, { baseUrl: 'https://api.flowiq.live' }),
					);
					expect(results).toEqual({
						good: { status: 'OK', message: 'Connection successful!' },
						revoked: { status: 'Error', message: CREDENTIAL_TEST.rejectedKey },
						anotherOrganisation: { status: 'Error', message: CREDENTIAL_TEST.anotherOrganisation },
						unknownTenant: { status: 'Error', message: CREDENTIAL_TEST.noOrganisation },
						wrongBaseUrl: { status: 'Error', message: CREDENTIAL_TEST.notFlowIq },
						redirect: { status: 'Error', message: CREDENTIAL_TEST.notFlowIq },
					});
					const answers = JSON.stringify(results);
					for (const key of Object.values(fixtures.KEYS)) expect(answers).not.toContain(key);

					// One read-only request each; the redirect was not followed.
					const answered = requestLog.map(({ line }) => {
						const [method, target, status] = line.split(' ');
						return `${method} ${target.split('?')[0]} ${status}`;
					});
					expect(answered).toEqual(['GET /conversations 200', 'GET /conversations 401', 'GET /conversations 401', 'GET /conversations 404']);
					expect(redirecting.received).toEqual(['GET /conversations?action=contacts&limit=1&tenantId=acme']);
					expect(notFlowIq.received).toEqual(['GET /conversations?action=contacts&limit=1&tenantId=acme']);
					expect(sandbox.contacts('acme')).toHaveLength(fixtures.SEED_CONTACTS.acme.length);
				} finally {
					await notFlowIq.close();
					await redirecting.close();
				}
			},
			SERVER_TIMEOUT,
		);

		// Twelve leads, three at a time (Max Concurrency 3), stopped while the first three wait.
		// Here the guarantee is n8n's and the node's together: n8n aborts the execution's requests
		// in flight and refuses any later one, so the node's own stop (at once, from a pause or a
		// backoff, sending nothing after it) is shown in test/reliability, on n8n-core 1.x and 2.x.
		const CANCEL_WORKFLOW = 'flowiqE2eCancel';
		const contactStatuses = () => contactPosts(requestLog).map((post) => post.status);

		it(
			'sends nothing more once stopped during a Retry-After pause, not even when the pause has passed',
			async () => {
				const retryAfterSeconds = 3;
				sandbox.failNext({ status: 429, retryAfter: retryAfterSeconds }, 3, 'POST /contact');
				const id = await runManually(CANCEL_WORKFLOW);
				await until(() => contactPosts(requestLog).length === 3, 'the first three contacts did not reach FlowIQ');

				expect(await stopExecution(id)).toBe('canceled');
				// Without the stop, the three would be retried after the pause, and the rest follow.
				await sleep(retryAfterSeconds * 1000 + 2000);
				expect(contactStatuses()).toEqual(['429', '429', '429']);
				expect(sandbox.contacts('acme')).toHaveLength(fixtures.SEED_CONTACTS.acme.length);
			},
			RUN_TIMEOUT,
		);

		it(
			'ends the requests in flight when stopped, and sends no other contact',
			async () => {
				const slowMs = 5000;
				sandbox.failNext({ kind: 'slow', delayMs: slowMs }, 3, 'POST /contact');
				const id = await runManually(CANCEL_WORKFLOW);
				await until(() => sandbox.stats().inFlight === 3, 'the first three contacts did not reach FlowIQ');

				expect(await stopExecution(id)).toBe('canceled');
				// Closed by n8n, not answered: the sandbox logs each as 'aborted' when its connection closes.
				await until(() => contactPosts(requestLog).length === 3, 'the three requests in flight did not end');
				// Without the stop, the next three would start once these were answered.
				await sleep(slowMs + 2000);
				expect(contactStatuses()).toEqual(['aborted', 'aborted', 'aborted']);
			},
			RUN_TIMEOUT,
		);
	});
});
