'use strict';
/**
 * End-to-end: the node as a tool of n8n's AI Agent, in a real n8n 1.x and 2.x, without a language
 * model. n8n's hidden Tool Executor node (bundled with n8n) calls the tool the way an agent does:
 * it fills the `$fromAI()` parameters from its query and reads the tool's answer. The package is
 * installed the way the Community Nodes screen installs it.
 */
const { usePackedPackage } = require('./packed');
const { ACME_CREDENTIAL, apiRequests, exportNodeTypes, runWorkflow, useRealN8n } = require('./realN8n');
const { fixtures } = require('../../sandbox/server');

const SETUP_TIMEOUT = 15 * 60 * 1000; // covers a first-time host install
const RUN_TIMEOUT = 120 * 1000;

const TRIGGER = 'When clicking ‘Execute workflow’';
const TOOL = 'FlowIQ Tool';
const EXECUTOR = 'Tool Executor';
const [EXISTING] = fixtures.SEED_CONTACTS.acme;

/** The name n8n gives the tool: the node's name with every character outside [a-zA-Z0-9_-] as "_". */
const TOOL_NAME = TOOL.replace(/[^a-zA-Z0-9_-]/g, '_');

/**
 * The Tool Executor's query for `args`. n8n 1.x passes the query object to the one connected tool
 * as is; 2.x reads a JSON text holding each tool's arguments under its tool name.
 */
function queryFor(major, args) {
	return major === '1' ? args : JSON.stringify({ [TOOL_NAME]: args });
}

const GET_CONTACT = {
	resource: 'contact',
	operation: 'get',
	phoneNumber: "={{ $fromAI('phoneNumber', 'The customer’s WhatsApp number, with its country code', 'string') }}",
	options: {},
};

const SEND_TEXT = {
	resource: 'message',
	operation: 'send',
	phoneNumber: "={{ $fromAI('phoneNumber', 'The customer’s WhatsApp number, with its country code', 'string') }}",
	messageType: 'text',
	text: "={{ $fromAI('text', 'The message to send', 'string') }}",
	options: {},
};

/**
 * Manual Trigger → Tool Executor, with the FlowIQ node as its tool (`parameters` say which
 * operation; `settings` are node settings such as Retry On Fail), called with `args`.
 */
function toolWorkflow(major, id, args, parameters = GET_CONTACT, settings = {}) {
	return {
		id,
		name: `FlowIQ e2e: ${parameters.resource} ${parameters.operation} as an AI tool (${id})`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'e3000000-0000-4000-8000-000000000001',
				name: TRIGGER,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'e3000000-0000-4000-8000-000000000002',
				name: EXECUTOR,
				type: '@n8n/n8n-nodes-langchain.toolExecutor',
				typeVersion: 1,
				position: [240, 0],
				parameters: { query: queryFor(major, args), toolName: '' },
			},
			{
				id: 'e3000000-0000-4000-8000-000000000003',
				name: TOOL,
				type: 'n8n-nodes-flowiq.flowIqTool',
				typeVersion: 1,
				position: [240, 220],
				...settings,
				parameters,
				credentials: { flowIqApi: { ...ACME_CREDENTIAL } },
			},
		],
		connections: {
			[TRIGGER]: { main: [[{ node: EXECUTOR, type: 'main', index: 0 }]] },
			[TOOL]: { ai_tool: [[{ node: EXECUTOR, type: 'ai_tool', index: 0 }]] },
		},
		pinData: {},
	};
}

const tarball = usePackedPackage(SETUP_TIMEOUT);

describe.each(['1', '2'])('FlowIQ as an AI tool in a real n8n %s.x', (major) => {
	const n8n = useRealN8n({
		major,
		tarball,
		timeoutMs: SETUP_TIMEOUT,
		workflows: () => [
			toolWorkflow(major, 'flowiqE2eToolFound', { phoneNumber: '+27825550100' }),
			toolWorkflow(major, 'flowiqE2eToolNotFound', { phoneNumber: '+27821112233' }),
			toolWorkflow(major, 'flowiqE2eToolSendRetried', { phoneNumber: '+27825550100', text: 'Your refund is on its way' }, SEND_TEXT, {
				retryOnFail: true,
				maxTries: 3,
				waitBetweenTries: 100,
			}),
		],
	});

	/** Runs a tool workflow; what the tool answered the executor, and the tool node's own run. */
	async function callTool(workflowId) {
		const run = await runWorkflow(major, n8n.userFolder, workflowId);
		expect(run.data.resultData.error).toBeUndefined();
		expect(run).toMatchObject({ status: 'success', finished: true });
		const { runData } = run.data.resultData;
		// The executor outputs the tool's answer as the text the agent would read.
		const [answers] = runData[EXECUTOR][0].data.main;
		expect(answers).toHaveLength(1);
		expect(typeof answers[0].json).toBe('string');
		expect(runData[TOOL]).toHaveLength(1);
		return { answer: JSON.parse(answers[0].json), toolRun: runData[TOOL][0] };
	}

	it(
		'lists flowIqTool among the node types of the installed n8n, with one ai_tool output',
		async () => {
			const types = await exportNodeTypes(major, n8n.userFolder);
			const byName = (name) => types.filter((type) => type.name === name);
			expect(byName('n8n-nodes-flowiq.flowIq')).toHaveLength(1);
			const [tool] = byName('n8n-nodes-flowiq.flowIqTool');
			expect(tool).toMatchObject({ displayName: 'FlowIQ Tool', outputs: ['ai_tool'] });
			// The regular node keeps its outputs expression: Found / Not Found for Contact → Get.
			expect(byName('n8n-nodes-flowiq.flowIq')[0].outputs).toMatch(/Found.*Not Found/);
		},
		RUN_TIMEOUT,
	);

	it(
		'answers with the contact for a known number, taking the number from $fromAI',
		async () => {
			const { answer, toolRun } = await callTool('flowiqE2eToolFound');
			expect(answer).toEqual([{ outcome: 'found', ...EXISTING }]);
			expect(toolRun.inputOverride.ai_tool[0][0].json).toEqual({ phoneNumber: '+27825550100' });
			expect(toolRun.data.ai_tool[0][0].json.response).toEqual(answer);
			expect(apiRequests(n8n.requestLog).map(({ method, path: route, query, outcome }) => `${method} ${route} ${query.whatsapp_id} ${outcome}`)).toEqual([
				'GET /contact 27825550100 200',
			]);
		},
		RUN_TIMEOUT,
	);

	it(
		'answers an unknown number with the Not Found item, marked outcome "not_found" on the one tool output',
		async () => {
			const { answer, toolRun } = await callTool('flowiqE2eToolNotFound');
			expect(answer).toEqual([
				{
					outcome: 'not_found',
					reason: 'not_found',
					message: 'FlowIQ has no contact with the number +27821112233',
					submitted: { phone_number: '+27821112233' },
				},
			]);
			expect(toolRun.data.ai_tool[0][0].json.response).toEqual(answer);
			expect(apiRequests(n8n.requestLog).map(({ method, path: route, outcome }) => `${method} ${route} ${outcome}`)).toEqual(['GET /contact 404']);
		},
		RUN_TIMEOUT,
	);

	it(
		'sends a message once even when Retry On Fail calls the tool again after an answer that may follow a delivery',
		async () => {
			// n8n gives each of the tool's tries a run of its own: the node must still know the message went out.
			n8n.sandbox.failNext({ status: 500, phase: 'after' }, 1, 'POST /send-whatsapp');
			const run = await runWorkflow(major, n8n.userFolder, 'flowiqE2eToolSendRetried');
			expect(run.data.resultData.error?.message).toMatch(/FlowIQ answered 500 \(Internal server error\): the message may have been delivered, so the node does not send it again/);
			expect(run.data.resultData.runData[TOOL]).toHaveLength(3);
			expect(apiRequests(n8n.requestLog).map(({ method, path: route, outcome }) => `${method} ${route} ${outcome}`)).toEqual(['POST /send-whatsapp 500']);
			expect(n8n.sandbox.sent('acme').map((entry) => entry.body.text)).toEqual(['Your refund is on its way']);
		},
		RUN_TIMEOUT,
	);
});
