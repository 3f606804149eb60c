import { createServer } from 'http';
import type { AddressInfo } from 'net';

import { NodeApiError, NodeConnectionTypes } from 'n8n-workflow';
import type {
	ICredentialType,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	JsonObject,
} from 'n8n-workflow';

import { runNode, testCredential, type TestCredentials } from '../../scripts/engine';

// A local API: /echo returns what it received, /fail answers 502, /flaky answers 503 while
// `flakyFailuresLeft` > 0, /slow never answers.
let requests: Array<{ path: string; authorization?: string }> = [];
let flakyFailuresLeft = 0;
const server = createServer((req, res) => {
	const url = new URL(req.url ?? '/', 'http://localhost');
	requests.push({ path: url.pathname, authorization: req.headers.authorization });
	const reply = (status: number, body: object) => {
		res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
	};
	if (url.pathname === '/slow') return;
	if (url.pathname === '/fail') return reply(502, { message: 'upstream exploded' });
	if (url.pathname === '/flaky' && flakyFailuresLeft-- > 0) return reply(503, { message: 'try again' });
	reply(200, {
		authorization: req.headers.authorization ?? null,
		apiKey: req.headers['x-api-key'] ?? null,
		query: Object.fromEntries(url.searchParams),
	});
});
let baseUrl = '';

beforeAll(async () => {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
	requests = [];
	flakyFailuresLeft = 0;
});

const ROUTES = ['a', 'b', 'c'];

/** Routes each item to output a, b or c after one authenticated call to the local API. */
class Splitter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Splitter',
		name: 'splitter',
		group: ['transform'],
		version: 1,
		description: 'Test node with three outputs',
		defaults: { name: 'Splitter' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ROUTES,
		credentials: [{ name: 'testApi', required: true }],
		properties: [
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
			{ displayName: 'Path', name: 'path', type: 'string', default: '/echo' },
			{ displayName: 'Route', name: 'route', type: 'string', default: '={{ $json.route }}' },
			{ displayName: 'Label', name: 'label', type: 'string', default: '' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const outputs: INodeExecutionData[][] = ROUTES.map(() => []);
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			try {
				const url = `${this.getNodeParameter('baseUrl', i) as string}${this.getNodeParameter('path', i) as string}`;
				const response = await this.helpers.httpRequestWithAuthentication.call(this, 'testApi', { url, json: true });
				const route = ROUTES.indexOf(this.getNodeParameter('route', i) as string);
				outputs[route].push({
					json: { ...items[i].json, label: this.getNodeParameter('label', i) as string, response },
					pairedItem: { item: i },
				});
			} catch (error) {
				if (this.continueOnFail()) {
					outputs[0].push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				if (error instanceof NodeApiError) throw error;
				throw new NodeApiError(this.getNode(), error as JsonObject, { itemIndex: i });
			}
		}
		return outputs;
	}
}

const testApi: ICredentialType = {
	name: 'testApi',
	displayName: 'Test API',
	properties: [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Workspace', name: 'workspace', type: 'string', default: 'default-ws' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
	],
	authenticate: {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.apiKey}}' },
			qs: { workspace: '={{$credentials.workspace}}' },
		},
	},
	test: {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/echo' },
		rules: [{ type: 'responseSuccessBody', properties: { key: 'authorization', value: 'Bearer nope', message: 'Invalid API key' } }],
	},
};
const credentials = (data: TestCredentials['data'] = { apiKey: 'good' }): TestCredentials => ({
	type: 'testApi',
	data,
	credentialType: testApi,
});

const items = [
	{ id: 1, route: 'a', name: 'ann' },
	{ id: 2, route: 'c', name: 'cy' },
	{ id: 3, route: 'b', name: 'bo' },
	{ id: 4, route: 'a', name: 'al', fail: true },
];
const parameters = () => ({ baseUrl, label: '={{ "hi " + $json.name }}' });
const json = (output: INodeExecutionData[]) => output.map((item) => item.json.id);
const paired = (output: INodeExecutionData[]) => output.map((item) => item.pairedItem);

describe('runNode', () => {
	it('routes items to the three outputs, resolving expressions and keeping pairedItem', async () => {
		const { outputs, error } = await runNode({
			nodeType: new Splitter(),
			parameters: parameters(),
			items: items.slice(0, 3),
			credentials: credentials(),
		});

		expect(error).toBeUndefined();
		expect(outputs.map(json)).toEqual([[1], [3], [2]]);
		expect(outputs.map(paired)).toEqual([[{ item: 0 }], [{ item: 2 }], [{ item: 1 }]]);
		expect(outputs[0][0].json.label).toBe('hi ann');
	});

	it('applies the credential type generic authenticate, with property defaults', async () => {
		const { outputs } = await runNode({
			nodeType: new Splitter(),
			parameters: parameters(),
			items: [{ route: 'a' }],
			credentials: credentials({ apiKey: 'secret-1' }),
		});

		expect(outputs[0][0].json.response).toEqual({
			authorization: 'Bearer secret-1',
			apiKey: null,
			query: { workspace: 'default-ws' },
		});
	});

	it('applies a function authenticate', async () => {
		const { outputs } = await runNode({
			nodeType: new Splitter(),
			parameters: parameters(),
			items: [{ route: 'a' }],
			credentials: {
				...credentials({ apiKey: 'secret-2' }),
				credentialType: {
					...testApi,
					authenticate: async (creds, options) => ({
						...options,
						headers: { ...options.headers, 'X-Api-Key': creds.apiKey as string },
					}),
				},
			},
		});

		expect(outputs[0][0].json.response).toMatchObject({ authorization: null, apiKey: 'secret-2' });
	});

	it('fetches a session token with the credential type preAuthentication', async () => {
		const { outputs } = await runNode({
			nodeType: new Splitter(),
			parameters: parameters(),
			items: [{ route: 'a' }],
			credentials: {
				...credentials({ apiKey: 'secret-3' }),
				credentialType: {
					...testApi,
					properties: [
						...testApi.properties,
						{ displayName: 'Session', name: 'session', type: 'hidden', typeOptions: { expirable: true }, default: '' },
					],
					preAuthentication: async (creds) => ({ session: `session-for-${creds.apiKey as string}` }),
					authenticate: { type: 'generic', properties: { headers: { Authorization: '=Session {{$credentials.session}}' } } },
				},
			},
		});

		expect(outputs[0][0].json.response).toMatchObject({ authorization: 'Session session-for-secret-3' });
	});

	it('onError stopWorkflow (default): returns the node error and no output', async () => {
		const { outputs, error, runData } = await runNode({
			nodeType: new Splitter(),
			parameters: { ...parameters(), path: '={{ $json.fail ? "/fail" : "/echo" }}' },
			items,
			credentials: credentials(),
		});

		expect(error).toMatchObject({ name: 'NodeApiError', httpCode: '502' });
		expect(error?.message).toMatch(/Bad gateway/i);
		expect(runData.FlowIQ[0].executionStatus).toBe('error');
		expect(outputs).toEqual([[], [], []]);
	});

	it('onError continueErrorOutput: error items go to the extra output at index 3', async () => {
		const { outputs, error } = await runNode({
			nodeType: new Splitter(),
			parameters: { ...parameters(), path: '={{ $json.fail ? "/fail" : "/echo" }}' },
			items,
			credentials: credentials(),
			settings: { onError: 'continueErrorOutput' },
		});

		expect(error).toBeUndefined();
		expect(outputs).toHaveLength(4);
		expect(outputs.map(json)).toEqual([[1], [3], [2], [4]]);
		// n8n merges the failed item's input JSON under the error.
		expect(outputs[3][0].json).toMatchObject({ id: 4, name: 'al', error: expect.stringMatching(/Bad gateway/i) });
		expect(outputs[3][0].pairedItem).toEqual({ item: 3 });
	});

	it('onError continueRegularOutput: error items stay on the regular output', async () => {
		const { outputs, error } = await runNode({
			nodeType: new Splitter(),
			parameters: { ...parameters(), path: '={{ $json.fail ? "/fail" : "/echo" }}' },
			items,
			credentials: credentials(),
			settings: { onError: 'continueRegularOutput' },
		});

		expect(error).toBeUndefined();
		expect(outputs.map(json)).toEqual([[1, undefined], [3], [2]]);
		expect(outputs[0][1].json.error).toMatch(/Bad gateway/i);
	});

	it('retryOnFail re-runs the node until it succeeds', async () => {
		flakyFailuresLeft = 2;
		const { outputs, error } = await runNode({
			nodeType: new Splitter(),
			parameters: { ...parameters(), path: '/flaky' },
			items: [{ id: 1, route: 'b' }],
			credentials: credentials(),
			settings: { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 },
		});

		expect(error).toBeUndefined();
		expect(requests.map((request) => request.path)).toEqual(['/flaky', '/flaky', '/flaky']);
		expect(outputs.map(json)).toEqual([[], [1], []]);
	});

	it('cancels the execution and its in-flight request when aborted', async () => {
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 100);
		const started = Date.now();

		const { error } = await runNode({
			nodeType: new Splitter(),
			parameters: { ...parameters(), path: '/slow' },
			items: [{ route: 'a' }],
			credentials: credentials(),
			abortSignal: controller.signal,
		});

		expect(Date.now() - started).toBeLessThan(2000);
		expect(error?.message).toMatch(/cancel/i);
	});
});

describe('testCredential', () => {
	it('sends the credential type’s test request with its authentication, and applies its rules', async () => {
		const good = await testCredential(credentials({ apiKey: 'good', baseUrl }));
		const bad = await testCredential(credentials({ apiKey: 'nope', baseUrl }));

		expect(good).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(bad).toEqual({ status: 'Error', message: 'Invalid API key' });
		expect(requests.map((request) => request.authorization)).toEqual(['Bearer good', 'Bearer nope']);
	});
});
