'use strict';
/**
 * End-to-end: Contact → Get and Get Many, Conversation → Get Messages and Message → Send in a real
 * n8n 1.x and 2.x, with the packed package installed the way the Community Nodes screen installs
 * it; workflows from workflows/operations/ and the two new examples from examples/, run with
 * `n8n execute` against the FlowIQ sandbox. Each major imports everything in one CLI call.
 */
const fs = require('node:fs');
const path = require('node:path');

const { usePackedPackage } = require('./packed');
const { apiRequests, declaredOutputs, exportNodeTypes, fedBy, runWorkflow, shape, until, useRealN8n, workflowsIn } = require('./realN8n');
const { fixtures } = require('../../sandbox/server');

const OPERATION_WORKFLOWS = path.join(__dirname, 'workflows', 'operations');
const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

const SETUP_TIMEOUT = 15 * 60 * 1000; // covers a first-time host install
const RUN_TIMEOUT = 120 * 1000;

const [EXISTING, QUIET] = fixtures.SEED_CONTACTS.acme;
/** Existing Customer's conversation, newest first, as FlowIQ lists it by default. */
const NEWEST_FIRST = [...fixtures.SEED_CONVERSATIONS.acme['27825550100']].reverse();

const SEND_MAY_HAVE_BEEN_DELIVERED =
	'FlowIQ answered 500 (Internal server error): the message may have been delivered, so the node does not send it again';
const SEND_CHECK_FIRST = 'Check the conversation in FlowIQ (Conversation → Get Messages) before sending it again';

function example(file) {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
}

/** The conversation example with an unknown number to look up, so its Not Found branch runs. */
function conversationExampleForAnUnknownNumber() {
	const workflow = example('flowiq-recent-conversation.json');
	workflow.id = 'flowiqE2eConversationUnknown';
	workflow.name = `${workflow.name} (unknown number)`;
	const input = workflow.nodes.find((node) => node.name === 'Customer to look up');
	input.parameters.assignments.assignments[0].value = '+27 82 999 1234';
	return workflow;
}

/** A contact as GET /conversations lists it (action=contacts and find-by-phone). */
function listed(contact) {
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

const tarball = usePackedPackage(SETUP_TIMEOUT);

/** Every workflow the suite imports: the operation workflows and the examples. */
function suiteWorkflows() {
	return [
		...workflowsIn(OPERATION_WORKFLOWS),
		example('flowiq-welcome-new-lead.json'),
		example('flowiq-recent-conversation.json'),
		conversationExampleForAnUnknownNumber(),
	];
}

describe.each(['1', '2'])('FlowIQ operations in a real n8n %s.x', (major) => {
	const n8n = useRealN8n({ major, tarball, timeoutMs: SETUP_TIMEOUT, workflows: suiteWorkflows });

	it(
		'declares, for each operation, the outputs its workflows connect to (n8n works them out from the outputs expression)',
		async () => {
			const workflows = suiteWorkflows();
			const declared = declaredOutputs(major, await exportNodeTypes(major, n8n.userFolder), workflows);
			const one = [''];
			const withErrorOutput = ['Success', 'Error']; // n8n names the one output once it adds the error output
			const found = ['Found', 'Not Found'];
			expect(declared).toEqual({
				flowiqE2eContactGet: { 'Find contact': found },
				flowiqE2eContactGetMany: { 'All contacts': one, 'Search customers': one, 'First 120': one },
				flowiqE2eContactPages: { 'All contacts': one },
				flowiqE2eDrippedAnswer: { 'Dripped list': one },
				flowiqE2eGetMessages: { 'Whole conversation': one, 'Latest 10': one, 'About the courier': one },
				flowiqE2eSend: { Send: withErrorOutput, 'Send, creating the contact': one },
				flowiqE2eSendLostAnswer: { Send: one },
				flowiqE2eSendLostAnswerContinue: { Send: withErrorOutput },
				flowiqExampleWelcome: { 'Create contact': ['Created', 'Duplicate', 'Invalid'], 'Send welcome message': one },
				flowiqExampleConversation: { 'Find contact': found, 'Recent messages': one },
				flowiqE2eConversationUnknown: { 'Find contact': found, 'Recent messages': one },
			});
			// No workflow connects an output its node does not declare.
			for (const workflow of workflows) {
				for (const [nodeName, outputs] of Object.entries(declared[workflow.id])) {
					expect(workflow.connections[nodeName]?.main?.length ?? 0).toBeLessThanOrEqual(outputs.length);
				}
			}
		},
		RUN_TIMEOUT,
	);

	/** Runs a workflow that must succeed; its runData. */
	async function execute(workflowId) {
		const run = await runWorkflow(major, n8n.userFolder, workflowId);
		expect(run.data.resultData.error).toBeUndefined();
		expect(run).toMatchObject({ status: 'success', finished: true, mode: 'cli' });
		return run.data.resultData.runData;
	}

	/** Runs a workflow that must fail; the run. */
	async function executeFailing(workflowId) {
		const run = await runWorkflow(major, n8n.userFolder, workflowId);
		expect(run.status).toBe('error');
		expect(run.data.resultData.error).toBeDefined();
		return run;
	}

	/** The request log of the test so far, API routes only. */
	const requests = () => apiRequests(n8n.requestLog);

	/**
	 * Once page 1 of a contact list is answered, queues faults for the GET /conversations requests
	 * that follow: each `[fault, count]` in turn. The sandbox logs an answer as it sends it, before
	 * the node can ask for the next pages.
	 */
	function failAfterFirstPage(...faults) {
		n8n.onLogLine = (line) => {
			if (!/^GET \/conversations\?\S*action=contacts\S*&page=1&\S* 200 /.test(line)) return;
			n8n.onLogLine = undefined;
			for (const [fault, count] of faults) n8n.sandbox.failNext(fault, count, 'GET /conversations');
		};
	}

	async function seedContacts(count) {
		const response = await fetch(`${n8n.sandbox.url}/__sandbox/seed-contacts`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ org: 'acme', count, namePrefix: 'Bulk Lead' }),
		});
		expect(response.status).toBe(200);
		return (await response.json()).total;
	}

	describe('Contact → Get', () => {
		const NOT_FOUND = [
			{
				json: {
					reason: 'not_found',
					message: 'FlowIQ has no contact with the number +27829991234',
					submitted: { phone_number: '+27 82 999 1234' },
				},
				pairedItem: { item: 2 },
			},
			{
				json: {
					reason: 'invalid_phone',
					message: 'Phone number "not a number" contains letters: use digits only',
					submitted: { phone_number: 'not a number' },
				},
				pairedItem: { item: 4 },
			},
		];

		/** Checks the two outputs reached their own downstream node with exactly these items. */
		function expectRouted(runData, found, notFound) {
			const outputs = runData['Find contact'][0].data.main;
			expect(outputs).toHaveLength(2); // Found and Not Found, as the outputs expression declares
			expect(shape(outputs[0])).toEqual(found);
			expect(shape(outputs[1])).toEqual(notFound);
			expect(fedBy(runData, 'In FlowIQ')).toEqual({ node: 'Find contact', output: 0 });
			expect(fedBy(runData, 'Not in FlowIQ')).toEqual({ node: 'Find contact', output: 1 });
			expect(shape(runData['In FlowIQ'][0].data.main[0]).map((item) => item.json)).toEqual(found.map((item) => item.json));
			expect(shape(runData['Not in FlowIQ'][0].data.main[0]).map((item) => item.json)).toEqual(notFound.map((item) => item.json));
		}

		it(
			'sends known numbers to Found and unknown or unusable ones to Not Found, one look-up per number',
			async () => {
				const runData = await execute('flowiqE2eContactGet');
				// 082 555 0200 is read in ZA (Default Country); 0027 82 555 0100 repeats item 0's number.
				expectRouted(
					runData,
					[
						{ json: { ...EXISTING }, pairedItem: { item: 0 } },
						{ json: { ...QUIET }, pairedItem: { item: 1 } },
						{ json: { ...EXISTING }, pairedItem: { item: 3 } },
					],
					NOT_FOUND,
				);
				const lookups = requests().map(({ method, path: route, query, outcome }) => `${method} ${route} ${query.whatsapp_id} ${query.tenantId} ${outcome}`);
				expect(lookups.sort()).toEqual([
					'GET /contact 27825550100 acme 200',
					'GET /contact 27825550200 acme 200',
					'GET /contact 27829991234 acme 404',
				]);
			},
			RUN_TIMEOUT,
		);

		it(
			'falls back to find-by-phone when FlowIQ is the older revision without GET /contact',
			async () => {
				n8n.sandbox.configure({ revision: 'older' });
				const runData = await execute('flowiqE2eContactGet');
				expectRouted(
					runData,
					[
						{ json: listed(EXISTING), pairedItem: { item: 0 } },
						{ json: listed(QUIET), pairedItem: { item: 1 } },
						{ json: listed(EXISTING), pairedItem: { item: 3 } },
					],
					NOT_FOUND,
				);
				const answered = requests();
				const probes = answered.filter((request) => request.path === '/contact');
				const fallbacks = answered.filter((request) => request.path === '/conversations');
				// GET /contact is asked until the first 404 says the route is missing (the three
				// look-ups start together), then every number goes to find-by-phone once.
				expect(probes.length).toBeGreaterThanOrEqual(1);
				expect(probes.length).toBeLessThanOrEqual(3);
				expect(probes.map((request) => request.outcome)).toEqual(probes.map(() => '404'));
				expect(fallbacks.map(({ query, outcome }) => `${query.action} ${query.whatsappNumber} ${query.tenantId} ${outcome}`).sort()).toEqual([
					'find-by-phone 27825550100 acme 200',
					'find-by-phone 27825550200 acme 200',
					'find-by-phone 27829991234 acme 404',
				]);
				expect(answered).toHaveLength(probes.length + 3);
			},
			RUN_TIMEOUT,
		);
	});

	describe('Contact → Get Many', () => {
		it(
			'gives up on an answer dripped byte by byte at Timeout, attempt after attempt, Max Retries times',
			async () => {
				// Timeout 2000 ms, Max Retries 2: every answer drips over 20 s, never silent for long.
				n8n.sandbox.failNext({ kind: 'drip', delayMs: 20000 }, 10, 'GET /conversations');
				const run = await executeFailing('flowiqE2eDrippedAnswer');
				expect(run.data.resultData.error.message).toMatch(/did not answer within 2000 ms/);
				// The node's own time, as n8n measured it: three attempts, each given up at Timeout, and
				// the backoffs between them (at most 0.5 s, then 1 s), plus some scheduling.
				const [{ executionTime }] = run.data.resultData.runData['Dripped list'];
				expect(executionTime).toBeGreaterThanOrEqual(3 * 1900);
				expect(executionTime).toBeLessThan(3 * 2000 + 500 + 1000 + 3000);

				// The sandbox logs an attempt when its connection closes, with how long it was open. n8n
				// gives a node no way to close a request it stopped waiting for, so all three close when
				// `n8n execute` exits, and the time each was open gives when each began.
				const attempts = () => n8n.requestLog.filter((line) => line.startsWith('GET /conversations'));
				await until(() => attempts().length === 3, 'the three attempts did not close');
				const openFor = attempts()
					.map((line) => Number.parseInt(line.split(' ')[3], 10))
					.sort((a, b) => b - a);
				// The last one closed when n8n exited, after the node gave up on it: at least one Timeout.
				expect(openFor[2]).toBeGreaterThanOrEqual(1900);
				// The next attempt began one Timeout after the one before, plus its backoff (at most
				// 0.5 s, then 1 s) and some scheduling.
				const [afterFirst, afterSecond] = [openFor[0] - openFor[1], openFor[1] - openFor[2]];
				expect(afterFirst).toBeGreaterThanOrEqual(1900);
				expect(afterFirst).toBeLessThan(2000 + 500 + 700);
				expect(afterSecond).toBeGreaterThanOrEqual(1900);
				expect(afterSecond).toBeLessThan(2000 + 1000 + 700);
			},
			RUN_TIMEOUT,
		);

		it(
			'returns all 252 contacts across three pages, a search, and the first 120 of a limit',
			async () => {
				expect(await seedContacts(250)).toBe(252);
				const everyone = n8n.sandbox.contacts('acme').map(listed);
				const runData = await execute('flowiqE2eContactGetMany');

				const all = runData['All contacts'][0].data.main;
				expect(all).toHaveLength(1);
				expect(all[0]).toHaveLength(252);
				expect(shape(all[0])).toEqual(everyone.map((json) => ({ json, pairedItem: { item: 0 } })));
				expect(all[0][0].json).toEqual({
					id: EXISTING.id,
					full_name: 'Existing Customer',
					whatsapp_id: '27825550100',
					phone_number: '+27825550100',
					email: 'existing.customer@example.com',
					created_at: '2025-01-15T09:00:00.000Z',
					tags: ['customer'],
					has_unread_messages: false,
					bot_status: 'active',
					archived: false,
				});
				expect(all[0][251].json.full_name).toBe('Bulk Lead 252');

				const search = runData['Search customers'][0].data.main;
				expect(search).toHaveLength(1);
				expect(shape(search[0])).toEqual([
					{ json: listed(EXISTING), pairedItem: { item: 0 } },
					{ json: listed(QUIET), pairedItem: { item: 0 } },
				]);

				const limited = runData['First 120'][0].data.main;
				expect(limited).toHaveLength(1);
				expect(limited[0].map((item) => item.json)).toEqual(everyone.slice(0, 120));

				const pages = requests().map(({ method, path: route, query, outcome }) =>
					`${method} ${route} ${query.action} search=${query.search ?? '-'} page=${query.page} limit=${query.limit} ${outcome}`,
				);
				expect(pages.sort()).toEqual([
					'GET /conversations contacts search=- page=1 limit=100 200', // All contacts
					'GET /conversations contacts search=- page=1 limit=100 200', // First 120
					'GET /conversations contacts search=- page=2 limit=100 200', // All contacts
					'GET /conversations contacts search=- page=2 limit=100 200', // First 120: 20 of its 100 kept
					'GET /conversations contacts search=- page=3 limit=100 200', // All contacts
					'GET /conversations contacts search=customer page=1 limit=100 200',
				]);
			},
			RUN_TIMEOUT,
		);

		it(
			'retries pages that fail while the list is read and returns every contact once, in order',
			async () => {
				await seedContacts(250);
				const everyone = n8n.sandbox.contacts('acme').map(listed);
				failAfterFirstPage([{ status: 503 }, 1], [{ kind: 'drop' }, 1]);
				const runData = await execute('flowiqE2eContactPages');

				const items = shape(runData['All contacts'][0].data.main[0]);
				expect(items).toEqual(everyone.map((json) => ({ json, pairedItem: { item: 0 } })));
				expect(runData.Contacts[0].data.main[0]).toHaveLength(252);

				const byPage = {};
				for (const { query, outcome } of requests()) (byPage[query.page] ??= []).push(outcome);
				// Pages 2 and 3 were asked for together; one met the 503, the other a dropped connection.
				expect(byPage['1']).toEqual(['200']);
				expect([byPage['2'], byPage['3']].map((outcomes) => outcomes.length)).toEqual([2, 2]);
				expect([byPage['2'][1], byPage['3'][1]]).toEqual(['200', '200']);
				expect([byPage['2'][0], byPage['3'][0]].sort()).toEqual(['503', 'dropped']);
				expect(n8n.sandbox.stats()).toMatchObject({ faultsInjected: { 503: 1, drop: 1 }, queuedFaults: 0 });
			},
			RUN_TIMEOUT,
		);

		it(
			'fails the node with FlowIQ’s answer when a page keeps failing, and passes on no partial list',
			async () => {
				await seedContacts(250);
				// Pages 2 and 3, each tried 1 + 3 times (Max Retries 3): every try answered 500.
				failAfterFirstPage([{ status: 500 }, 8]);
				const run = await executeFailing('flowiqE2eContactPages');

				const { error } = run.data.resultData;
				expect(error.message).toBe('FlowIQ answered 500 (Internal server error): Failed to create contact (gave up after 4 attempts)');
				expect(run.data.resultData.lastNodeExecuted).toBe('All contacts');
				expect(run.data.resultData.runData['All contacts'][0].error.message).toBe(error.message);
				expect(run.data.resultData.runData.Contacts).toBeUndefined();

				const byPage = {};
				for (const { query, outcome } of requests()) (byPage[query.page] ??= []).push(outcome);
				expect(byPage).toEqual({ 1: ['200'], 2: ['500', '500', '500', '500'], 3: ['500', '500', '500', '500'] });
				expect(n8n.sandbox.stats()).toMatchObject({ faultsInjected: { 500: 8 }, queuedFaults: 0 });
			},
			RUN_TIMEOUT,
		);
	});

	describe('Conversation → Get Messages', () => {
		it(
			'reads the seeded conversation: all of it, the latest 10, and a search oldest first',
			async () => {
				const runData = await execute('flowiqE2eGetMessages');
				const only = (nodeName) => {
					const outputs = runData[nodeName][0].data.main;
					expect(outputs).toHaveLength(1);
					expect(fedBy(runData, nodeName)).toEqual({ node: 'Customer', output: 0 });
					return shape(outputs[0]);
				};
				const pairedToTheCustomer = (messages) => messages.map((json) => ({ json, pairedItem: { item: 0 } }));

				expect(only('Whole conversation')).toEqual(pairedToTheCustomer(NEWEST_FIRST));
				expect(only('Whole conversation')).toHaveLength(25);
				expect(only('Latest 10')).toEqual(pairedToTheCustomer(NEWEST_FIRST.slice(0, 10)));
				expect(only('Latest 10')[0].json).toMatchObject({
					message: 'Have a lovely day! Reply any time if you need us.',
					sender_type: 'bot-whatsapp',
					created_at: '2025-01-20T08:24:00.000Z',
				});
				expect(only('About the courier').map((item) => item.json.message)).toEqual([
					"Hi, this is Thandi from Acme support. I'm checking with the courier now.",
					'The courier says it was left at reception. Is there a reception desk at your address?',
				]);

				const asked = requests().map(({ method, path: route, query, outcome }) => {
					const { action, whatsappNumber, page, limit, ascending, query: terms = '-', tenantId } = query;
					return `${method} ${route} ${action} ${whatsappNumber} ${tenantId} page=${page} limit=${limit} ascending=${ascending} query=${terms} ${outcome}`;
				});
				expect(asked.sort()).toEqual([
					'GET /conversations conversation-messages 27825550100 acme page=1 limit=10 ascending=false query=- 200',
					'GET /conversations conversation-messages 27825550100 acme page=1 limit=100 ascending=false query=- 200',
					'GET /conversations conversation-messages 27825550100 acme page=1 limit=100 ascending=true query=courier,reception 200',
				]);
			},
			RUN_TIMEOUT,
		);
	});

	describe('Message → Send', () => {
		it(
			'sends a text once, refuses an unknown number, and creates a missing contact when asked to',
			async () => {
				const runData = await execute('flowiqE2eSend');
				const sent = n8n.sandbox.sent('acme');
				expect(sent.map(({ recipient, message_type, body }) => ({ recipient, message_type, body })).sort((a, b) => a.recipient.localeCompare(b.recipient))).toEqual([
					{
						recipient: '27825550100',
						message_type: 'text',
						body: { phone_number: '+27825550100', message_type: 'text', text: 'Hi Existing Customer, your order has shipped.' },
					},
					{
						recipient: '27827771234',
						message_type: 'text',
						body: { phone_number: '+27827771234', message_type: 'text', text: 'Welcome Nomsa Zulu!' },
					},
				]);
				const messageIdFor = (recipient) => sent.find((entry) => entry.recipient === recipient).message_id;

				// Send: one output and n8n's error output.
				const [delivered, failed] = runData.Send[0].data.main.map(shape);
				expect(runData.Send[0].data.main).toHaveLength(2);
				expect(delivered).toEqual([
					{
						json: { message_id: messageIdFor('27825550100'), recipient: '27825550100', message_type: 'text', phone_number: '+27825550100' },
						pairedItem: { item: 0 },
					},
				]);
				expect(failed).toEqual([
					{
						json: {
							phone: '+27 82 999 4321',
							name: 'Stranger',
							error: 'FlowIQ has no contact with the number +27829994321: the message was not sent',
							message: 'Create the contact first with Contact → Create, or turn on Create Contact If Missing under Options',
						},
						pairedItem: { item: 1 },
					},
				]);
				expect(fedBy(runData, 'Sent')).toEqual({ node: 'Send', output: 0 });
				expect(fedBy(runData, 'Not sent')).toEqual({ node: 'Send', output: 1 });

				// Create Contact If Missing: the 404 led to POST /contact, then the message went out.
				const created = runData['Send, creating the contact'][0].data.main;
				expect(created).toHaveLength(1);
				expect(shape(created[0])).toEqual([
					{
						json: {
							message_id: messageIdFor('27827771234'),
							recipient: '27827771234',
							message_type: 'text',
							phone_number: '+27827771234',
							contact_created: true,
						},
						pairedItem: { item: 0 },
					},
				]);
				expect(n8n.sandbox.contacts('acme').find((contact) => contact.whatsapp_id === '27827771234')).toMatchObject({
					full_name: 'Nomsa Zulu',
					phone_number: '+27827771234',
				});
				const asked = requests().map(({ method, path: route, outcome }) => `${method} ${route} ${outcome}`);
				expect(asked.sort()).toEqual([
					'POST /contact 201',
					'POST /send-whatsapp 200',
					'POST /send-whatsapp 200',
					'POST /send-whatsapp 404', // Stranger
					'POST /send-whatsapp 404', // Nomsa Zulu, before her contact existed
				]);
			},
			RUN_TIMEOUT,
		);

		it(
			'fails the item on a 500 after the send and never sends again, not even by Retry On Fail',
			async () => {
				// FlowIQ sends the message, then the answer is lost to a 500.
				n8n.sandbox.failNext({ status: 500, phase: 'after' }, 1, 'POST /send-whatsapp');
				const run = await executeFailing('flowiqE2eSendLostAnswer');
				const { error, runData } = run.data.resultData;
				expect(error.message).toBe(SEND_MAY_HAVE_BEEN_DELIVERED);
				expect(error.description).toBe(SEND_CHECK_FIRST);
				expect(runData.Send[0].error.message).toBe(SEND_MAY_HAVE_BEEN_DELIVERED);
				expect(runData.Sent).toBeUndefined();
				// n8n ran the node three times (two waits of one second), and it sent once.
				expect(runData.Send[0].executionTime).toBeGreaterThanOrEqual(1900);
				expect(requests().map(({ method, path: route, outcome }) => `${method} ${route} ${outcome}`)).toEqual(['POST /send-whatsapp 500']);
				expect(n8n.sandbox.sent('acme')).toHaveLength(1);
				expect(n8n.sandbox.stats()).toMatchObject({ faultsInjected: { 500: 1 }, queuedFaults: 0 });
			},
			RUN_TIMEOUT,
		);

		it(
			'with the error output, keeps both the failed and the delivered message from being sent again on Retry On Fail',
			async () => {
				n8n.sandbox.failNext({ status: 500, phase: 'after' }, 1, 'POST /send-whatsapp');
				const runData = await execute('flowiqE2eSendLostAnswerContinue');
				const sent = n8n.sandbox.sent('acme');
				expect(sent.map((entry) => entry.recipient)).toEqual(['27825550100', '27825550200']);

				const [delivered, failed] = runData.Send[0].data.main.map(shape);
				expect(runData.Send[0].data.main).toHaveLength(2);
				expect(delivered).toEqual([
					{
						json: { message_id: sent[1].message_id, recipient: '27825550200', message_type: 'text', phone_number: '+27825550200' },
						pairedItem: { item: 1 },
					},
				]);
				expect(failed).toEqual([
					{
						json: { phone: '+27 82 555 0100', name: 'Existing Customer', error: SEND_MAY_HAVE_BEEN_DELIVERED, message: SEND_CHECK_FIRST },
						pairedItem: { item: 0 },
					},
				]);
				expect(fedBy(runData, 'Not sent')).toEqual({ node: 'Send', output: 1 });
				// The failed first item made n8n run the node twice more (a second's wait each); nothing was resent.
				expect(runData.Send[0].executionTime).toBeGreaterThanOrEqual(1900);
				expect(requests().map(({ method, path: route, outcome }) => `${method} ${route} ${outcome}`)).toEqual([
					'POST /send-whatsapp 500',
					'POST /send-whatsapp 200',
				]);
			},
			RUN_TIMEOUT,
		);
	});

	describe('the examples in examples/', () => {
		it(
			'"New lead": creates the new contact, welcomes new and known contacts, and explains the invalid lead',
			async () => {
				const runData = await execute('flowiqExampleWelcome');
				const [created, duplicate, invalid] = runData['Create contact'][0].data.main.map(shape);
				expect(runData['Create contact'][0].data.main).toHaveLength(3);
				const ayanda = n8n.sandbox.contacts('acme').find((contact) => contact.whatsapp_id === '27823415678');
				expect(ayanda).toMatchObject({
					full_name: 'Ayanda Mokoena',
					phone_number: '+27823415678',
					email: 'ayanda@example.com',
					tags: ['lead', 'website'],
				});
				expect(created.map((item) => [item.json.id, item.pairedItem])).toEqual([[ayanda.id, { item: 0 }]]);
				expect(duplicate).toEqual([
					{
						json: {
							existing_contact: { id: EXISTING.id, full_name: 'Existing Customer', whatsapp_id: '27825550100' },
							submitted: { name: 'Lindiwe Dube', phone_number: '+27825550100', tags: 'lead,website' },
							message: 'A contact with this phone number already exists',
						},
						pairedItem: { item: 1 },
					},
				]);
				expect(invalid.map((item) => item.json.reason)).toEqual(['not_on_whatsapp']);

				// The welcome node ran once per output feeding it (n8n takes Duplicate first), one message each.
				const welcomeRuns = runData['Send welcome message'];
				expect(welcomeRuns).toHaveLength(2);
				const runFedBy = (output) => {
					const run = welcomeRuns.findIndex((_, index) => fedBy(runData, 'Send welcome message', index).output === output);
					expect(fedBy(runData, 'Send welcome message', run)).toEqual({ node: 'Create contact', output });
					return shape(welcomeRuns[run].data.main[0]);
				};
				const sent = n8n.sandbox.sent('acme');
				expect(sent).toHaveLength(2);
				const sentTo = (recipient) => sent.find((entry) => entry.recipient === recipient);
				expect(sentTo('27823415678').body.text).toBe(
					'Hi Ayanda, thanks for getting in touch with Acme! Reply here any time and we will help you out.',
				);
				expect(sentTo('27825550100').body.text).toBe(
					'Hi Lindiwe, thanks for getting in touch with Acme! Reply here any time and we will help you out.',
				);
				expect(runFedBy(0)).toEqual([
					{
						json: { message_id: sentTo('27823415678').message_id, recipient: '27823415678', message_type: 'text', phone_number: '+27823415678' },
						pairedItem: { item: 0 },
					},
				]);
				expect(runFedBy(1)).toEqual([
					{
						json: { message_id: sentTo('27825550100').message_id, recipient: '27825550100', message_type: 'text', phone_number: '+27825550100' },
						pairedItem: { item: 0 },
					},
				]);

				expect(fedBy(runData, 'Explain why not')).toEqual({ node: 'Create contact', output: 2 });
				expect(shape(runData['Explain why not'][0].data.main[0])).toEqual([
					{
						json: {
							lead: 'Nobody Home',
							phone: '+27 82 555 0000',
							problem: 'The provided phone number is not registered on WhatsApp',
							next_step:
								'Ask the lead for a number they use on WhatsApp (with its country code) and a valid email, then run the workflow again',
						},
						pairedItem: { item: 0 },
					},
				]);
			},
			RUN_TIMEOUT,
		);

		it(
			'"Recent conversation": finds the customer and summarises their last 10 messages',
			async () => {
				const runData = await execute('flowiqExampleConversation');
				const found = runData['Find contact'][0].data.main;
				expect(found).toHaveLength(2);
				expect(shape(found[0])).toEqual([{ json: { ...EXISTING }, pairedItem: { item: 0 } }]);
				expect(found[1]).toEqual([]);
				expect(runData['Not a FlowIQ contact']).toBeUndefined();
				expect(runData['Recent messages'][0].data.main[0].map((item) => item.json)).toEqual(NEWEST_FIRST.slice(0, 10));

				expect(runData.Summary[0].data.main[0].map((item) => item.json)).toEqual([
					{
						customer: 'Existing Customer',
						phone: '+27825550100',
						messages: 10,
						from: '2025-01-20T08:15:00.000Z',
						to: '2025-01-20T08:24:00.000Z',
						transcript: [
							"Thandi Mokoena: Understood, I've marked the replacement as urgent.",
							'Bot: Your replacement order #1002 has been created.',
							'Customer: Can you deliver it to my office instead of my home?',
							'Thandi Mokoena: Of course. Please send the office address.',
							'Customer: 14 Long Street, Cape Town, 8001',
							'Thandi Mokoena: Thanks, updated. You should have it by Friday.',
							'Customer: Perfect, thank you for the help',
							'Bot: Is there anything else I can help you with?',
							"Customer: No, that's all",
							'Bot: Have a lovely day! Reply any time if you need us.',
						].join('\n'),
					},
				]);
				const asked = requests().map(({ method, path: route, query, outcome }) => `${method} ${route} ${query.whatsapp_id ?? query.contactId} ${query.limit ?? '-'} ${outcome}`);
				expect(asked).toEqual([`GET /contact 27825550100 - 200`, `GET /conversations ${EXISTING.id} 10 200`]);
			},
			RUN_TIMEOUT,
		);

		it(
			'"Recent conversation": an unknown number goes to Not Found and reads no messages',
			async () => {
				const runData = await execute('flowiqE2eConversationUnknown');
				const outputs = runData['Find contact'][0].data.main;
				expect(outputs).toHaveLength(2);
				expect(outputs[0]).toEqual([]);
				const notFound = [
					{
						json: {
							reason: 'not_found',
							message: 'FlowIQ has no contact with the number +27829991234',
							submitted: { phone_number: '+27 82 999 1234' },
						},
						pairedItem: { item: 0 },
					},
				];
				expect(shape(outputs[1])).toEqual(notFound);
				expect(fedBy(runData, 'Not a FlowIQ contact')).toEqual({ node: 'Find contact', output: 1 });
				expect(shape(runData['Not a FlowIQ contact'][0].data.main[0])).toEqual(notFound);
				for (const nodeName of ['Recent messages', 'Collect messages', 'Summary']) expect(runData[nodeName]).toBeUndefined();
				expect(requests().map(({ method, path: route, outcome }) => `${method} ${route} ${outcome}`)).toEqual(['GET /contact 404']);
			},
			RUN_TIMEOUT,
		);
	});
});
