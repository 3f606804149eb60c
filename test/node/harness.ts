import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { FlowIqApi } from '../../credentials/FlowIqApi.credentials';
import { FlowIq } from '../../nodes/FlowIq/FlowIq.node';
import { runNode, type RunNodeOptions } from '../../scripts/engine';

const { startSandbox, fixtures } = require('../../sandbox/server');

export { fixtures, startSandbox };

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

/**
 * One sandbox for the test file, emptied before each test. It starts in `beforeAll`, so what this
 * returns is a stand-in that forwards to it: tests can hold it from the top of the file.
 */
export function useSandbox(options: IDataObject = {}): Sandbox {
	let started: Sandbox | undefined;
	beforeAll(async () => {
		started = await startSandbox({ quiet: true, ...options });
	});
	afterAll(async () => {
		await started?.close();
	});
	beforeEach(() => started?.reset());
	return new Proxy({} as Sandbox, {
		get(_target, property) {
			if (!started) throw new Error('The sandbox starts in beforeAll: use it inside tests and hooks');
			const value = started[property as keyof Sandbox];
			return typeof value === 'function' ? value.bind(started) : value;
		},
	});
}

/**
 * Resolves once the sandbox's stats pass `check`; checks every 10 ms, fails after 5 s saying `what`.
 * Tests that cancel mid-run wait for this rather than a fixed time: the engine's first run is slow.
 */
export async function untilStats(sandbox: Sandbox, check: (stats: ReturnType<Sandbox['stats']>) => boolean, what: string): Promise<void> {
	const deadline = Date.now() + 5000;
	while (!check(sandbox.stats())) {
		if (Date.now() > deadline) throw new Error(`${what}: not within 5 s`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

/**
 * The sandbox's URL in plain http under a name of this machine that is not loopback's
 * (::ffff:127.0.0.1): the node and the credential's Test send it as https, a TLS handshake the
 * sandbox cannot read, so it sees no request.
 */
export function plainHttpElsewhere(sandbox: Sandbox): string {
	return `http://[::ffff:127.0.0.1]:${new URL(sandbox.url).port}`;
}

/** The node's parameters mapped from each item's fields, as a user would map them. */
export const MAPPED_FIELDS: INodeParameters = {
	resource: 'contact',
	operation: 'create',
	name: '={{ $json.name }}',
	phoneNumber: '={{ $json.phone }}',
	email: '={{ $json.email }}',
	tags: '={{ $json.tags }}',
};

export interface FlowIqRun {
	sandbox: Sandbox;
	items: IDataObject[];
	options?: IDataObject;
	credentials?: IDataObject;
	parameters?: INodeParameters;
	settings?: RunNodeOptions['settings'];
	abortSignal?: AbortSignal;
}

/** Runs the FlowIQ node in n8n's engine against the sandbox, with the acme key unless told otherwise. */
export async function runFlowIq({ sandbox, items, options = {}, credentials = {}, parameters, settings, abortSignal }: FlowIqRun) {
	return await runNode({
		nodeType: new FlowIq(),
		parameters: { ...MAPPED_FIELDS, ...parameters, options: { maxRetries: 3, ...options } },
		items,
		credentials: {
			type: 'flowIqApi',
			credentialType: new FlowIqApi(),
			data: { apiKey: fixtures.KEYS.acme, tenantId: 'acme', baseUrl: sandbox.url, ...credentials },
		},
		settings,
		abortSignal,
	});
}

/** Which input item each output item came from, per output. */
export function pairedIndexes(outputs: INodeExecutionData[][]): number[][] {
	return outputs.map((items) =>
		(items ?? []).map((item) => (item.pairedItem as { item: number }).item),
	);
}

let counter = 0;
/** A fresh South African mobile number the sandbox treats as on WhatsApp. */
export function freshPhone(): string {
	counter++;
	// Numbers ending in 0000 are "not on WhatsApp" in the sandbox.
	if (counter % 10000 === 0) counter++;
	return `+2783${String(counter).padStart(7, '0')}`;
}

export function lead(overrides: IDataObject = {}): IDataObject {
	return { name: 'Jane Smith', phone: freshPhone(), email: '', tags: '', ...overrides };
}
