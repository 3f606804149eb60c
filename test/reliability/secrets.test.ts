/**
 * The API key must never reach anything a user, a workflow or a log can see. Every failure path
 * runs under all three onError settings, and everything it produced is scanned: the outputs, the
 * execution error (message, description, cause, stack), the run data, n8n's own logs, the
 * console and stdout/stderr, and the sandbox's request log. Answers that echo the Authorization
 * header back (as JSON, or as a proxy's HTML page) are met on every route of every operation, on
 * the older FlowIQ's find-by-phone look-up too, and by the credential Test.
 *
 * Also: the node refuses plain http to a host other than this machine before any request (the
 * credential Test sends it as https instead), and odd but harmless Base URLs (trailing slash, path prefix, upper-case scheme) behave.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { LoggerProxy, type IDataObject, type INodeParameters } from 'n8n-workflow';

import { FlowIqApi } from '../../credentials/FlowIqApi.credentials';
import { testCredential } from '../../scripts/engine';
import { fixtures, lead, plainHttpElsewhere, runFlowIq, useSandbox } from '../node/harness';

const sandboxLog: string[] = [];
const sandbox = useSandbox({ quiet: false, log: (line: string) => sandboxLog.push(line) });

/** A key with the wrong prefix: the node refuses it, and must not quote it back either. */
const WRONG_PREFIX_KEY = 'sk_live_wrong_prefix_secret_42';
const SECRETS = [...(Object.values(fixtures.KEYS) as string[]), WRONG_PREFIX_KEY];
const HEADER = /Bearer|authorization/i;

/** Every secret or header mention found in `text`. */
function leaks(text: string): string[] {
	return [...SECRETS.filter((secret) => text.includes(secret)), ...(text.match(new RegExp(HEADER, 'gi')) ?? [])];
}

/** The credential dialog's Test for the acme credential, with `data` changed. */
function credentialTest(data: IDataObject) {
	return testCredential({
		type: 'flowIqApi',
		credentialType: new FlowIqApi(),
		data: { apiKey: fixtures.KEYS.acme, tenantId: 'acme', baseUrl: sandbox.url, ...data },
	});
}

/** JSON of anything, errors included with all their own properties (message, stack, cause, description...). */
function serialize(value: unknown): string {
	const seen = new WeakSet<object>();
	return JSON.stringify(value, (_key, field: unknown) => {
		if (typeof field !== 'object' || field === null) return field;
		if (seen.has(field)) return '[seen]';
		seen.add(field);
		if (!(field instanceof Error)) return field;
		return Object.fromEntries(Object.getOwnPropertyNames(field).map((name) => [name, (field as unknown as IDataObject)[name]]));
	});
}

// n8n's logger, replaced before anything asks for it: what n8n logs (the ErrorReporter logs every
// error a node throws, with its stack and causes) is kept for the scan instead of being silenced.
const n8nLog: string[] = [];
const capturingLogger = Object.fromEntries(
	['error', 'warn', 'info', 'debug'].map((level) => [
		level,
		(message: string, metadata?: unknown) => n8nLog.push(`${level} ${message} ${serialize(metadata)}`),
	]),
) as unknown as Logger;
Object.assign(capturingLogger, { scoped: () => capturingLogger });
Container.set(Logger, capturingLogger);
LoggerProxy.init(capturingLogger);

/** Collects what the console, stdout and stderr receive while `work` runs. */
async function capturingOutput<T>(work: () => Promise<T>): Promise<{ result: T; written: string }> {
	const written: string[] = [];
	const record = (...parts: unknown[]) => {
		written.push(parts.map((part) => (typeof part === 'string' ? part : serialize(part))).join(' '));
		return true;
	};
	const spies = [
		...(['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => jest.spyOn(console, method).mockImplementation(record)),
		jest.spyOn(process.stdout, 'write').mockImplementation(record),
		jest.spyOn(process.stderr, 'write').mockImplementation(record),
	];
	try {
		return { result: await work(), written: written.join('\n') };
	} finally {
		for (const spy of spies) spy.mockRestore();
	}
}

/** A port on this machine where nothing listens. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}

interface FailurePath {
	/** How the item must end: failed (error or error item), or on the Invalid or Duplicate output. */
	ends: 'failed' | 'created' | 'duplicate' | 'invalid';
	credentials?: IDataObject;
	fault?: object;
	faultCount?: number;
	options?: IDataObject;
	phone?: string;
}

const retriedOnce = { maxRetries: 1 };

/** Stands for a Base URL on this machine where nothing listens; its port is picked when the tests start. */
const NOTHING_LISTENS = 'nothing-listens';
const PLAIN_HTTP_ELSEWHERE = 'plain-http-elsewhere';
let refusedPort = 0;
function withRealUrl(credentials?: IDataObject): IDataObject | undefined {
	if (credentials?.baseUrl === NOTHING_LISTENS) return { ...credentials, baseUrl: `http://127.0.0.1:${refusedPort}` };
	if (credentials?.baseUrl === PLAIN_HTTP_ELSEWHERE) return { ...credentials, baseUrl: plainHttpElsewhere(sandbox) };
	return credentials;
}

const FAILURE_PATHS: Array<[string, FailurePath]> = [
	['400 from FlowIQ', { ends: 'invalid', fault: { status: 400 } }],
	['400 not on WhatsApp', { ends: 'invalid', phone: fixtures.PHONES.notOnWhatsApp }],
	['401 from FlowIQ', { ends: 'failed', fault: { status: 401 } }],
	['401 revoked key', { ends: 'failed', credentials: { apiKey: fixtures.KEYS.revoked } }],
	['401 unknown key', { ends: 'failed', credentials: { apiKey: fixtures.KEYS.unknown } }],
	['401 key of another organisation', { ends: 'failed', credentials: { apiKey: fixtures.KEYS.globex } }],
	['403 from FlowIQ', { ends: 'failed', fault: { status: 403 } }],
	['404 unknown tenant', { ends: 'failed', credentials: { tenantId: 'nope' } }],
	['404 key of a deleted organisation', { ends: 'failed', credentials: { apiKey: fixtures.KEYS.deletedOrg, tenantId: '' } }],
	['409 already in FlowIQ', { ends: 'duplicate', phone: fixtures.PHONES.existing }],
	['409 after a lost answer, then the look-up', { ends: 'created', fault: { status: 502, phase: 'after' }, options: retriedOnce }],
	['422 from FlowIQ', { ends: 'invalid', fault: { status: 422 } }],
	['429 beyond the retries', { ends: 'failed', fault: { status: 429 }, options: { maxRetries: 0 } }],
	['500 twice', { ends: 'failed', fault: { status: 500 }, faultCount: 2, options: retriedOnce }],
	['502 twice', { ends: 'failed', fault: { status: 502 }, faultCount: 2, options: retriedOnce }],
	['502 HTML page from a proxy', { ends: 'failed', fault: { status: 502, html: true }, faultCount: 2, options: retriedOnce }],
	['401 whose message repeats the Authorization header', { ends: 'failed', fault: { status: 401, echo: true } }],
	['400 whose message repeats the Authorization header', { ends: 'invalid', fault: { status: 400, echo: true } }],
	['502 page from a proxy that dumps the request headers', { ends: 'failed', fault: { status: 502, html: true, echo: true }, faultCount: 2, options: retriedOnce }],
	['409 whose message repeats the Authorization header', { ends: 'duplicate', fault: { status: 409, echo: true } }],
	['307 redirect to another host', { ends: 'failed', fault: { kind: 'redirect', status: 307, location: 'http://127.0.0.1:9/contact' } }],
	['503 twice', { ends: 'failed', fault: { status: 503 }, faultCount: 2, options: retriedOnce }],
	['504 twice', { ends: 'failed', fault: { status: 504 }, faultCount: 2, options: retriedOnce }],
	['dropped connection', { ends: 'failed', fault: { kind: 'drop' }, faultCount: 2, options: retriedOnce }],
	['dropped after FlowIQ created it', { ends: 'failed', fault: { kind: 'drop', phase: 'after' }, options: { maxRetries: 0 } }],
	['timeout', { ends: 'failed', fault: { kind: 'slow', delayMs: 1500 }, options: { maxRetries: 0, timeout: 1000 } }],
	['connection refused', { ends: 'failed', credentials: { baseUrl: NOTHING_LISTENS }, options: { maxRetries: 0 } }],
	['key without the fiq_ prefix', { ends: 'failed', credentials: { apiKey: WRONG_PREFIX_KEY } }],
	['empty key', { ends: 'failed', credentials: { apiKey: '   ' } }],
	['plain http to another host', { ends: 'failed', credentials: { baseUrl: PLAIN_HTTP_ELSEWHERE }, options: { maxRetries: 0 } }],
	['Base URL that is no URL', { ends: 'failed', credentials: { baseUrl: 'api.flowiq.live' } }],
	['API key pasted into the Base URL', { ends: 'failed', credentials: { baseUrl: fixtures.KEYS.acme } }],
];

const ON_ERROR = ['stopWorkflow', 'continueRegularOutput', 'continueErrorOutput'] as const;

/** An operation, the route its request takes, and an item it can run on. */
interface OperationRoute {
	parameters: INodeParameters;
	route: string;
	item: IDataObject;
	/** 'older': FlowIQ without GET /contact, so Contact → Get looks the number up with find-by-phone. */
	revision?: 'older';
}

const OPERATION_ROUTES: Array<[string, OperationRoute]> = [
	['Contact → Create on POST /contact', { parameters: {}, route: 'POST /contact', item: { name: 'Jane Smith', phone: '+27 82 555 0123' } }],
	[
		'Contact → Get on GET /contact',
		{ parameters: { resource: 'contact', operation: 'get' }, route: 'GET /contact', item: { phone: fixtures.PHONES.existing } },
	],
	[
		'Contact → Get on the older FlowIQ’s find-by-phone (GET /conversations)',
		{ parameters: { resource: 'contact', operation: 'get' }, route: 'GET /conversations', item: { phone: fixtures.PHONES.existing }, revision: 'older' },
	],
	['Contact → Get Many on GET /conversations', { parameters: { resource: 'contact', operation: 'getAll', returnAll: true }, route: 'GET /conversations', item: {} }],
	[
		'Conversation → Get Messages on GET /conversations',
		{ parameters: { resource: 'conversation', operation: 'getMessages', returnAll: true }, route: 'GET /conversations', item: { phone: fixtures.PHONES.existing } },
	],
	[
		'Message → Send on POST /send-whatsapp',
		{
			parameters: { resource: 'message', operation: 'send', messageType: 'text', text: '={{ $json.text }}' },
			route: 'POST /send-whatsapp',
			item: { phone: fixtures.PHONES.existing, text: 'Your order shipped' },
		},
	],
];

/** Answers that repeat the request's Authorization header; with retries off each one is final. */
const ECHO_FAULTS: Array<[string, object]> = [
	['400', { status: 400, echo: true }],
	['401', { status: 401, echo: true }],
	['429', { status: 429, echo: true }],
	['500', { status: 500, echo: true }],
	['500 after FlowIQ acted', { status: 500, echo: true, phase: 'after' }],
	['503', { status: 503, echo: true }],
	['502 HTML page dumping the request headers', { status: 502, html: true, echo: true }],
];

beforeAll(async () => {
	refusedPort = await closedPort();
});

describe('The API key never leaks', () => {
	it('the scan finds a key and the header even in an error’s hidden cause', () => {
		const error = new Error('Request failed');
		const request = { headers: { Authorization: `Bearer ${fixtures.KEYS.acme}` } };
		Object.defineProperty(error, 'cause', { value: { request }, enumerable: false });
		expect(leaks(serialize({ error }))).toEqual([fixtures.KEYS.acme, 'Authorization', 'Bearer']);
	});

	it.each(FAILURE_PATHS)('on %s, under every onError setting', async (_path, path) => {
		for (const onError of ON_ERROR) {
			sandbox.reset();
			sandboxLog.length = 0;
			n8nLog.length = 0;
			if (path.fault) sandbox.failNext(path.fault, path.faultCount ?? 1);
			const item = lead(path.phone ? { phone: path.phone } : {});

			const { result, written } = await capturingOutput(() =>
				runFlowIq({ sandbox, items: [item], credentials: withRealUrl(path.credentials), options: path.options, settings: { onError } }),
			);

			// The path was taken: the item ended where this path must end it.
			const { outputs, error } = result;
			if (path.ends !== 'failed') {
				const output = outputs.findIndex((items) => items.length);
				expect({ onError, output }).toEqual({ onError, output: ['created', 'duplicate', 'invalid'].indexOf(path.ends) });
			} else if (onError === 'stopWorkflow') expect(error?.message).toEqual(expect.any(String));
			else if (onError === 'continueRegularOutput') expect(outputs[0][0].json.error).toEqual(expect.any(String));
			else expect(outputs[3]).toHaveLength(1);

			const found = {
				result: leaks(serialize(result)),
				n8nLog: leaks(n8nLog.join('\n')),
				written: leaks(written),
				sandboxLog: leaks(sandboxLog.join('\n')),
			};
			expect({ onError, ...found }).toEqual({ onError, result: [], n8nLog: [], written: [], sandboxLog: [] });
		}
	});

	describe.each(OPERATION_ROUTES)('for %s', (_operation, operation) => {
		afterEach(() => sandbox.configure({ revision: 'current' }));

		it.each(ECHO_FAULTS)('on a %s that echoes the Authorization header, under every onError setting', async (_fault, fault) => {
			for (const onError of ON_ERROR) {
				sandbox.reset();
				sandbox.configure({ revision: operation.revision ?? 'current' });
				sandboxLog.length = 0;
				n8nLog.length = 0;
				sandbox.failNext(fault, 1, operation.route);

				const { result, written } = await capturingOutput(() =>
					runFlowIq({ sandbox, items: [operation.item], parameters: operation.parameters, options: { maxRetries: 0 }, settings: { onError } }),
				);

				// The path was taken: the echoing answer was given, and the item failed (Create's 400 makes it Invalid).
				expect({ onError, echoed: sandbox.stats().faultsInjected[`${(fault as { status: number }).status}+echo`] }).toEqual({ onError, echoed: 1 });
				const { outputs, error } = result;
				if (operation.route === 'POST /contact' && (fault as { status: number }).status === 400) {
					expect({ onError, invalid: outputs[2]?.length }).toEqual({ onError, invalid: 1 });
				} else if (onError === 'stopWorkflow') expect({ onError, error: typeof error?.message }).toEqual({ onError, error: 'string' });
				else if (onError === 'continueRegularOutput') expect({ onError, error: typeof outputs[0][0].json.error }).toEqual({ onError, error: 'string' });
				else expect({ onError, failed: outputs.at(-1)?.length }).toEqual({ onError, failed: 1 });

				const found = {
					result: leaks(serialize(result)),
					n8nLog: leaks(n8nLog.join('\n')),
					written: leaks(written),
					sandboxLog: leaks(sandboxLog.join('\n')),
				};
				expect({ onError, ...found }).toEqual({ onError, result: [], n8nLog: [], written: [], sandboxLog: [] });
			}
		});
	});

	describe.each(['current', 'older'] as const)('in the credential Test result, on the %s FlowIQ', (revision) => {
		afterEach(() => sandbox.configure({ revision: 'current' }));

		it.each(ECHO_FAULTS.filter(([, fault]) => (fault as { phase?: string }).phase === undefined))(
			'for a %s that echoes the Authorization header',
			async (_fault, fault) => {
				sandbox.configure({ revision });
				sandbox.failNext(fault, 1, 'GET /conversations');
				const { result, written } = await capturingOutput(() => credentialTest({}));
				expect(sandbox.stats().faultsInjected[`${(fault as { status: number }).status}+echo`]).toBe(1);
				expect(result.status).toBe('Error');
				expect({ result: leaks(serialize(result)), written: leaks(written) }).toEqual({ result: [], written: [] });
			},
		);
	});

	it('captured what n8n logged when a node failed (so the scans read real logs)', async () => {
		n8nLog.length = 0;
		await runFlowIq({ sandbox, items: [lead()], credentials: { apiKey: fixtures.KEYS.revoked } });
		expect(n8nLog.join('\n')).toMatch(/API key has been revoked/);
	});

	it.each([
		['revoked key', { apiKey: fixtures.KEYS.revoked }],
		['unknown tenant', { tenantId: 'nope' }],
		['key without the fiq_ prefix', { apiKey: WRONG_PREFIX_KEY }],
		['connection refused', { baseUrl: NOTHING_LISTENS }],
		['plain http to another host', { baseUrl: PLAIN_HTTP_ELSEWHERE }],
		['API key pasted into the Base URL', { baseUrl: fixtures.KEYS.acme }],
	])('in the credential Test result on %s', async (_path, data: IDataObject) => {
		const { result, written } = await capturingOutput(() => credentialTest(withRealUrl(data) ?? {}));
		expect(result.status).toBe('Error');
		expect({ result: leaks(serialize(result)), written: leaks(written) }).toEqual({ result: [], written: [] });
	});
});

describe('Base URLs', () => {
	beforeEach(() => {
		sandboxLog.length = 0;
	});

	const path = (line: string) => line.split(' ')[1];

	it.each([
		['a trailing slash', (url: string) => `${url}/`],
		['several trailing slashes', (url: string) => `${url}///`],
		['an upper-case scheme', (url: string) => url.replace('http://', 'HTTP://')],
	])('with %s reach FlowIQ at /contact', async (_case, baseUrl) => {
		const { outputs, error } = await runFlowIq({ sandbox, items: [lead()], credentials: { baseUrl: baseUrl(sandbox.url) } });
		expect(error).toBeUndefined();
		expect(outputs[0]).toHaveLength(1);
		expect(sandboxLog.map(path)).toEqual(['/contact?tenantId=acme']);
	});

	it.each([
		['/api/v1', '/api/v1/contact?tenantId=acme'],
		['/api/v1/', '/api/v1/contact?tenantId=acme'],
	])('with a path prefix %s keep it, and a 404 there points at the Base URL', async (prefix, expected) => {
		const { error } = await runFlowIq({ sandbox, items: [lead()], credentials: { baseUrl: `${sandbox.url}${prefix}` } });
		// The sandbox serves /contact only: the prefixed path is FlowIQ's "Not found".
		expect(sandboxLog.map(path)).toEqual([expected]);
		expect(error).toMatchObject({ httpCode: '404', message: 'FlowIQ answered 404 (Not found): Not found' });
		expect(error?.description).toMatch(/Base URL/);
	});

	it('in plain http to a host other than this machine go as https, as in the credential’s Test', async () => {
		const credentials = withRealUrl({ baseUrl: PLAIN_HTTP_ELSEWHERE });
		await fetch(`${credentials?.baseUrl}/contact`);
		expect(sandbox.stats().requests).toBe(1); // the name does reach the sandbox in plain http

		const { error } = await runFlowIq({ sandbox, items: [lead()], credentials, options: { maxRetries: 0 } });
		expect(error?.message).toMatch(/^The connection to FlowIQ failed \(error proto\)/);
		expect(sandbox.stats().requests).toBe(1);
	});

	it('refuses a scheme other than http and https', async () => {
		const { error } = await runFlowIq({ sandbox, items: [lead()], credentials: { baseUrl: 'ftp://api.flowiq.live' } });
		expect(error?.message).toMatch(/must start with https:\/\/, not ftp:/);
		expect(sandbox.stats().requests).toBe(0);
	});
});
