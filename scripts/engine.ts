/**
 * A small test runner that executes one node inside n8n's real execution engine
 * (n8n-core `WorkflowExecute` over an n8n-workflow `Workflow`), so tests exercise the same
 * parameter/expression resolution, credential handling, HTTP helpers, retry and onError
 * logic a node meets in n8n. n8n's own test harness is not published, hence this file.
 *
 * The workflow it builds is `Input` (emits the given items) -> `FlowIQ` (the node under test).
 */
import { Container } from '@n8n/di';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import {
	ExecuteContext,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	HookContext,
	RoutingNode,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import {
	ApplicationError,
	createEmptyRunExecutionData,
	Expression,
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
} from 'n8n-workflow';
import type {
	ExecutionError,
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
	IConnections,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestMethods,
	IHttpRequestOptions,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRequestOptionsSimplified,
	IRequestOptionsSimplifiedAuth,
	IRunData,
	IWebhookData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

/**
 * The major version of the n8n-core these tests run on: the dev dependency (1.x), or the copy in
 * the n8n 2.x host when jest.config.js maps n8n-core there.
 */
export const ENGINE_MAJOR = Number((require('n8n-core/package.json') as { version: string }).version.split('.')[0]);

// n8n-core builds its services lazily through DI on first use. InstanceSettings writes an
// encryption-key file into $N8N_USER_FOLDER/.n8n (default: $HOME), so point it at a throwaway
// folder; the permission check on that file would only warn, so skip it. The Logger is
// silent unless N8N_LOG_LEVEL is set, because the ErrorReporter logs every error a node throws.
const throwawayUserFolder = process.env.N8N_USER_FOLDER
	? undefined
	: mkdtempSync(join(tmpdir(), 'flowiq-n8n-'));
if (throwawayUserFolder) process.env.N8N_USER_FOLDER = throwawayUserFolder;
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ??= 'false';
process.env.N8N_LOG_LEVEL ??= 'silent';

/**
 * Releases what the engine holds so the process can exit: every node context gets SSH tunnel
 * helpers, whose DI-built manager starts a cleanup interval; and the throwaway user folder.
 * Under jest it runs after each test file by itself; other callers (the bench) call it when done.
 */
export function shutdownEngine(): void {
	Container.get(SSHClientsManager).onShutdown();
	if (throwawayUserFolder) rmSync(throwawayUserFolder, { recursive: true, force: true });
}
if (typeof afterAll === 'function') afterAll(shutdownEngine);

// The 'vm' engine needs isolated-vm, which is not built here (.npmrc ignore-scripts).
// N8N_EXPRESSION_ENGINE is only read by the n8n CLI, so select the engine directly.
Expression.setExpressionEngine('legacy');

let executionCount = 0;

export const INPUT_NODE_NAME = 'Input';
export const NODE_UNDER_TEST_NAME = 'FlowIQ';
const INPUT_NODE_TYPE = 'flowiqTest.emitItems';
const MODE = 'manual';

export interface TestCredentials {
	/** Credential type name, as the node requests it (e.g. `flowIqApi`). */
	type: string;
	data: ICredentialDataDecryptedObject;
	/** The real credential type; its `properties` defaults and `authenticate` are applied. */
	credentialType: ICredentialType;
}

export interface RunNodeOptions {
	/** An instance of the node class under test. */
	nodeType: INodeType;
	/** The node's parameters; expressions such as `={{ $json.x }}` are resolved per item. */
	parameters: INodeParameters;
	/** JSON of the items the node receives from the `Input` node. */
	items: IDataObject[];
	credentials?: TestCredentials;
	/** The node's "Settings" tab. n8n clamps maxTries to 2..5 (default 3) and waitBetweenTries to
	 *  0..5000 ms, where 0 counts as unset and means 1000 ms: use 1 for fast retry tests. */
	settings?: Pick<INode, 'onError' | 'retryOnFail' | 'maxTries' | 'waitBetweenTries'>;
	/** Aborting cancels the execution, like the Stop button in the editor. */
	abortSignal?: AbortSignal;
}

export interface RunNodeResult {
	/** Items on every main output of the node under test, by output index; with
	 *  `onError: 'continueErrorOutput'` the last index is the error output. */
	outputs: INodeExecutionData[][];
	/** The execution's error: a plain copy of the thrown error's own properties (name, message,
	 *  description, httpCode, ...), not the instance. Also set when onError 'continue...' let a
	 *  thrown error through, because n8n fails a run whose last node threw. */
	error?: ExecutionError;
	runData: IRunData;
}

/** A source node that outputs the test's items, so the node under test gets real input connections. */
function emitItemsNodeType(items: IDataObject[]): INodeType {
	return {
		description: {
			displayName: 'Emit Items',
			name: INPUT_NODE_TYPE,
			group: ['input'],
			version: 1,
			description: 'Emits the items of a test',
			defaults: { name: INPUT_NODE_NAME },
			inputs: [],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute() {
			// All items derive from the single empty item the engine feeds the start node.
			return [items.map((json) => ({ json: structuredClone(json), pairedItem: { item: 0 } }))];
		},
	};
}

class TestNodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType>) {}

	getByName(name: string): INodeType {
		const nodeType = this.types[name];
		if (!nodeType) throw new ApplicationError(`Unknown node type "${name}"`);
		return nodeType;
	}

	getByNameAndVersion(name: string): INodeType {
		return this.getByName(name);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries(
			Object.entries(this.types).map(([name, type]) => [name, { className: type.constructor.name }]),
		);
	}
}

/** Credential data as n8n hands it to nodes: the type's property defaults under the given values. */
function decryptedData({ credentialType, data }: TestCredentials): ICredentialDataDecryptedObject {
	const defaults = NodeHelpers.getNodeParameters(credentialType.properties, {}, true, false, null, null);
	return { ...defaults, ...structuredClone(data) } as ICredentialDataDecryptedObject;
}

/** Serves the one credential of a test run to n8n-core, standing in for n8n's database-backed helper. */
class TestCredentialsHelper extends ICredentialsHelper {
	private data?: ICredentialDataDecryptedObject;

	constructor(private readonly credentials?: TestCredentials) {
		super();
		if (credentials) this.data = decryptedData(credentials);
	}

	private credentialType(typeName: string): ICredentialType {
		if (this.credentials?.type !== typeName) {
			throw new ApplicationError(`runNode() was given no credentials of type "${typeName}"`);
		}
		return this.credentials.credentialType;
	}

	/** n8n-core 2.x asks before it lends a node a credential; 1.x does not. */
	isCredentialUsableByNode(typeName: string): boolean {
		return this.credentials?.type === typeName;
	}

	getParentTypes(typeName: string): string[] {
		return this.credentialType(typeName).extends ?? [];
	}

	getCredentialsProperties(typeName: string) {
		return this.credentialType(typeName).properties;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: unknown,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject> {
		this.credentialType(typeName);
		return { ...this.data };
	}

	async getCredentials(): Promise<never> {
		throw new ApplicationError('n8n-core reads credentials through getDecrypted(); encrypted ones are not available in tests');
	}

	async updateCredentials(_nodeCredentials: unknown, typeName: string, data: ICredentialDataDecryptedObject) {
		this.credentialType(typeName);
		this.data = data;
	}

	async updateCredentialsOauthTokenData(nodeCredentials: unknown, typeName: string, data: ICredentialDataDecryptedObject) {
		await this.updateCredentials(nodeCredentials, typeName, data);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.credentialType(typeName);
		const options = requestOptions as IHttpRequestOptions;
		if (typeof authenticate === 'function') return await authenticate(credentials, options);
		if (authenticate?.type !== 'generic') return options;

		// Generic values are expressions over the credential data, e.g. '=Bearer {{$credentials.apiKey}}'.
		const resolved = workflow.expression.getParameterValue(
			authenticate.properties as INodeParameters,
			null,
			0,
			0,
			node.name,
			[],
			MODE,
			{ $credentials: credentials },
		) as IRequestOptionsSimplifiedAuth;
		for (const key of ['headers', 'qs', 'body'] as const) {
			if (resolved[key]) options[key] = { ...(options[key] as IDataObject), ...resolved[key] };
		}
		if (resolved.auth) options.auth = resolved.auth;
		return options;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const { preAuthentication, properties } = this.credentialType(typeName);
		// Types with preAuthentication keep a session token in an `expirable` property; it is
		// fetched when empty and again when the API answered 401 (credentialsExpired).
		const tokenProperty = properties.find((property) => property.typeOptions?.expirable);
		if (!preAuthentication || !tokenProperty) return undefined;
		if (credentials[tokenProperty.name] && !credentialsExpired) return undefined;

		const token = (await preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
		await this.updateCredentials(undefined, typeName, { ...credentials, ...token });
		return token;
	}
}

function nodeVersion(nodeType: INodeType): number {
	const { version } = nodeType.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const { nodeType, credentials, settings, abortSignal } = options;
	const typeName = nodeType.description.name;

	const nodes: INode[] = [
		{
			id: 'input',
			name: INPUT_NODE_NAME,
			type: INPUT_NODE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'node-under-test',
			name: NODE_UNDER_TEST_NAME,
			type: typeName,
			typeVersion: nodeVersion(nodeType),
			position: [200, 0],
			// The Workflow constructor fills in parameter defaults in place.
			parameters: structuredClone(options.parameters),
			...settings,
			...(credentials && { credentials: { [credentials.type]: { id: '1', name: 'Test credentials' } } }),
		},
	];
	const connections = {
		[INPUT_NODE_NAME]: {
			main: [[{ node: NODE_UNDER_TEST_NAME, type: NodeConnectionTypes.Main, index: 0 }]],
		},
	};
	const workflow = new Workflow({
		id: 'flowiq-test',
		name: 'FlowIQ test',
		active: false,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
		nodeTypes: new TestNodeTypes({
			[INPUT_NODE_TYPE]: emitItemsNodeType(options.items),
			[typeName]: nodeType,
		}),
	});

	const additionalData = testAdditionalData(workflow, nodes, connections, credentials);

	// run() returns a PCancelable: cancel() aborts the signal nodes see through
	// getExecutionCancelSignal() (and so in-flight helper HTTP requests); the promise still
	// resolves, once the running node has returned, with the run marked as cancelled.
	const execution = startRun(new WorkflowExecute(additionalData, MODE), workflow, workflow.getNode(INPUT_NODE_NAME) ?? undefined);
	const cancel = () => execution.cancel();
	abortSignal?.addEventListener('abort', cancel);
	if (abortSignal?.aborted) cancel();
	const run = await execution.finally(() => abortSignal?.removeEventListener('abort', cancel));

	const { runData, error } = run.data.resultData;
	const node = workflow.getNode(NODE_UNDER_TEST_NAME)!;
	// With onError 'continueErrorOutput' n8n adds an error output after the declared ones.
	const outputCount = NodeHelpers.getConnectionTypes(
		NodeHelpers.getNodeOutputs(workflow, node, nodeType.description),
	).filter((type) => type === NodeConnectionTypes.Main).length;
	const main = runData[NODE_UNDER_TEST_NAME]?.at(-1)?.data?.main ?? [];
	const outputs = Array.from({ length: outputCount }, (_, index) => main[index] ?? []);

	return { outputs, error, runData };
}

type RunningExecution = ReturnType<WorkflowExecute['run']>;

/** Starts a run from `startNode`: n8n-core 1.x takes the two as arguments, 2.x as one object. */
function startRun(workflowExecute: WorkflowExecute, workflow: Workflow, startNode: INode | undefined): RunningExecution {
	const run = workflowExecute.run.bind(workflowExecute) as unknown as (...args: unknown[]) => RunningExecution;
	return ENGINE_MAJOR === 1 ? run(workflow, startNode) : run({ workflow, startNode });
}

/** What n8n-core needs around a run of `workflow` in the test engine: the test's credential, and no database. */
function testAdditionalData(
	workflow: Workflow,
	nodes: INode[],
	connections: IConnections,
	credentials?: TestCredentials,
): IWorkflowExecuteAdditionalData {
	// Unique per run, as in n8n: nodes may keep per-execution state.
	const executionId = `test-execution-${++executionCount}`;
	const notAvailable = (feature: string) => async () => {
		throw new ApplicationError(`${feature} is not available in the test engine`);
	};
	const now = new Date();
	return {
		credentialsHelper: new TestCredentialsHelper(credentials),
		hooks: new ExecutionLifecycleHooks(MODE, executionId, {
			id: workflow.id,
			name: workflow.name ?? '',
			active: false,
			isArchived: false,
			activeVersionId: null,
			createdAt: now,
			updatedAt: now,
			nodes,
			connections,
		}),
		externalSecretsProxy: new ExternalSecretsProxy(),
		executeWorkflow: notAvailable('Executing sub-workflows'),
		startRunnerTask: notAvailable('The Code node task runner'),
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		executionId,
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
	};
}

/**
 * The real contexts n8n gives a trigger node with a webhook: `hook()` for its webhook methods
 * (checkExists, create, delete), as on activation, and `webhook(request, response)` for one call
 * of its URL. The workflow (the trigger alone) and its static data live as long as the returned
 * object, as they do in an active workflow.
 */
export function triggerContexts({ nodeType, parameters, credentials }: Pick<RunNodeOptions, 'nodeType' | 'parameters' | 'credentials'>) {
	const typeName = nodeType.description.name;
	const node: INode = {
		id: 'trigger-under-test',
		name: NODE_UNDER_TEST_NAME,
		type: typeName,
		typeVersion: nodeVersion(nodeType),
		position: [0, 0],
		webhookId: 'd0000000-0000-4000-8000-00000000f1a0',
		parameters: structuredClone(parameters),
		...(credentials && { credentials: { [credentials.type]: { id: '1', name: 'Test credentials' } } }),
	};
	const workflow = new Workflow({
		id: 'flowiq-trigger-test',
		name: 'FlowIQ trigger test',
		active: true,
		nodes: [node],
		connections: {},
		settings: { executionOrder: 'v1' },
		nodeTypes: new TestNodeTypes({ [typeName]: nodeType }),
	});
	const additionalData = testAdditionalData(workflow, [node], {}, credentials);
	const description = nodeType.description.webhooks?.[0];
	if (!description) throw new ApplicationError(`Node "${typeName}" has no webhook`);
	const webhookData: IWebhookData = {
		httpMethod: description.httpMethod as IHttpRequestMethods,
		node: node.name,
		path: NodeHelpers.getNodeWebhookPath(workflow.id, node, description.path),
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
	};
	return {
		workflow,
		/** The URL n8n gives the node's webhook. */
		webhookUrl: `${additionalData.webhookBaseUrl}/${webhookData.path}`,
		hook: () => new HookContext(workflow, node, additionalData, 'trigger', 'activate', webhookData),
		webhook: (request: object, response: object) =>
			new WebhookContext(
				workflow,
				node,
				{ ...additionalData, httpRequest: request, httpResponse: response } as IWorkflowExecuteAdditionalData,
				'webhook',
				webhookData,
				[],
				null,
			),
	};
}

const CREDENTIAL_TEST_NODE_TYPE = 'flowiqTest.credentialTest';

/** The value at a dotted path ("data.id"), as lodash's get reads a body rule's key for n8n. */
function valueAt(value: unknown, path: string): unknown {
	return path.split('.').reduce<unknown>((current, key) => (current as IDataObject | undefined)?.[key], value);
}

/**
 * Runs a credential type's declarative `test` the way n8n's credential dialog does (n8n's
 * CredentialsTester, the same in 1.x and 2.x): its request goes through n8n-core's RoutingNode
 * with the credential's `authenticate`, then `rules` turn the answer into the dialog's message.
 */
export async function testCredential(credentials: TestCredentials): Promise<INodeCredentialTestResult> {
	const { test } = credentials.credentialType;
	if (!test) throw new ApplicationError(`Credential type "${credentials.type}" has no declarative test`);
	// n8n runs the request as the only parameter of a stand-in node that uses the credential.
	const probe: INodeType = {
		description: {
			displayName: 'Credential Test',
			name: CREDENTIAL_TEST_NODE_TYPE,
			group: ['transform'],
			version: 1,
			description: 'Sends a credential type’s test request',
			defaults: { name: 'Temp-Node' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: credentials.type, required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request: test.request } }],
		},
	};
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: CREDENTIAL_TEST_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [credentials.type]: { id: '1', name: 'Test credentials' } },
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: new TestNodeTypes({ [CREDENTIAL_TEST_NODE_TYPE]: probe }) });
	const context = new ExecuteContext(
		workflow,
		node,
		testAdditionalData(workflow, [node], {}, credentials),
		'internal',
		createEmptyRunExecutionData(),
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);
	const decrypted = { id: '1', name: 'Test credentials', type: credentials.type, data: decryptedData(credentials) };
	const rules = (test.rules ?? []) as Array<IAuthenticateRuleResponseCode | IAuthenticateRuleResponseSuccessBody>;

	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await new RoutingNode(context, probe, decrypted).runNode();
	} catch (error) {
		const { cause, message } = error as { cause?: { response?: { status: number; statusText?: string }; code?: string }; message: string };
		if (cause?.response) {
			const { status, statusText } = cause.response;
			const rule = rules.find((candidate) => candidate.type === 'responseCode' && candidate.properties.value === status);
			if (rule) return { status: 'Error', message: rule.properties.message };
			if (status < 199 || status > 299) return { status: 'Error', message: statusText || `Received HTTP status code: ${status}` };
		} else if (cause?.code) {
			return { status: 'Error', message: cause.code };
		}
		return { status: 'Error', message: String(message) };
	}
	const body = response?.[0]?.[0]?.json;
	for (const rule of rules) {
		if (rule.type === 'responseSuccessBody' && valueAt(body, rule.properties.key) === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}
