/**
 * The cases an adversarial review found where the node's promises broke: a key sent to another
 * host, the Retry On Fail memory lost on a busy instance, the look-up after a lost answer claiming
 * contacts the node did not create, options from expressions that hang a run or pass items
 * through, and an answer dripped past the timeout. Each runs through n8n's engine against the
 * sandbox (or a small local server standing for another host). Key leaks through echoed answers are in secrets.test.ts; a number
 * repeated across Loop Over Items batches needs a real n8n: see test/e2e/n8n.e2e.test.js.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import { lead, pairedIndexes, runFlowIq, untilStats, useSandbox } from '../node/harness';

const sandbox = useSandbox();
// configure() outlives the sandbox's reset between tests.
afterEach(() => sandbox.configure({ latencyMs: 0 }));

const CREATED = 0;
const DUPLICATE = 1;

/** A server on this machine standing for another host: it records what it received. */
async function otherHost(): Promise<{ url: string; received: IncomingHttpHeaders[]; close: () => Promise<void> }> {
	const received: IncomingHttpHeaders[] = [];
	const server = createServer((req, res) => {
		received.push(req.headers);
		res.writeHead(201, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify({ contact: { id: 'elsewhere' } }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		received,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

describe('the key never leaves FlowIQ’s origin', () => {
	it.each([301, 302, 303, 307, 308])('a %i to another host is not followed, and the error names where it pointed', async (status) => {
		const elsewhere = await otherHost();
		try {
			sandbox.failNext({ kind: 'redirect', status, location: `${elsewhere.url}/contact` });
			const { error } = await runFlowIq({ sandbox, items: [lead()] });
			expect(elsewhere.received).toEqual([]);
			expect(error?.message).toBe(
				`FlowIQ answered ${status} (Redirected): the request was pointed to ${elsewhere.url}/contact; ` +
					'the node does not follow redirects, so the API key only goes to the Base URL',
			);
			expect(error?.description).toMatch(/Base URL/);
		} finally {
			await elsewhere.close();
		}
	});
});

describe('options from expressions', () => {
	it.each([
		['maxConcurrency', 'five', 'Max Concurrency', '1 to 50'],
		['maxRetries', 'three', 'Max Retries', '0 to 10'],
		['timeout', '10s', 'Timeout', '1000 to 3600000'],
	])('%s "%s" is refused with a message naming the option', async (option, value, label, range) => {
		const { error } = await runFlowIq({ sandbox, items: [lead(), lead()], options: { [option]: `={{ "${value}" }}` } });
		expect(error?.message).toBe(`${label} must be a number (${range}), not “${value}”`);
		expect(sandbox.stats().requests).toBe(0);
	});

	it('an option expression that throws fails every item under Continue, naming the option, and sends nothing', async () => {
		const items = [lead(), lead(), lead()];
		const { outputs } = await runFlowIq({
			sandbox,
			items,
			options: { maxConcurrency: "={{ $('Settings').item.json.concurrency }}" },
			settings: { onError: 'continueRegularOutput' },
		});
		expect(pairedIndexes(outputs)).toEqual([[0, 1, 2], [], []]);
		for (const item of outputs[CREATED]) {
			expect(Object.keys(item.json)).toEqual(['error', 'message']);
			expect(item.json.error).toMatch(/^Max Concurrency could not be read: /);
		}
		expect(sandbox.stats().requests).toBe(0);
	});

	it.each([
		[{ maxConcurrency: 80 }, 50],
		[{ maxConcurrency: '={{ "7" }}' }, 7],
	])('%j is held to the editor’s range: at most %i requests at once', async (options, limit) => {
		sandbox.configure({ latencyMs: 100 });
		const items = Array.from({ length: 60 }, () => lead());
		const { outputs } = await runFlowIq({ sandbox, items, options });
		expect(outputs[CREATED]).toHaveLength(60);
		expect(sandbox.stats().maxInFlight).toBe(limit);
	});
});

describe('bounded time', () => {
	it('an answer dripped one byte at a time ends at the timeout, not when the drip ends', async () => {
		sandbox.failNext({ kind: 'drip', delayMs: 8000 });
		const started = Date.now();
		const { error } = await runFlowIq({ sandbox, items: [lead()], options: { timeout: 1000, maxRetries: 0 } });
		const took = Date.now() - started;
		expect(error?.message).toMatch(/did not answer within 1000 ms/);
		expect(took).toBeLessThan(4000);
	});
});

describe('Retry On Fail on a busy instance', () => {
	it('remembers what try 1 created while 25 other executions of the node run during the wait', async () => {
		const items = [lead(), lead()];
		// Try 1: FlowIQ creates both contacts, then answers 500 for each, which stops the node.
		sandbox.failNext({ status: 500, phase: 'after' }, 2);
		const retried = runFlowIq({
			sandbox,
			items,
			options: { maxRetries: 0 },
			settings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 3000 },
		});
		await new Promise((resolve) => setTimeout(resolve, 500));
		for (let other = 0; other < 25; other++) await runFlowIq({ sandbox, items: [lead()] });
		const { outputs, error } = await retried;
		expect(error).toBeUndefined();
		expect(pairedIndexes(outputs)).toEqual([[0, 1], [], []]);
		expect(outputs[CREATED].map((item) => item.json.full_name)).toEqual(['Jane Smith', 'Jane Smith']);
	});
});

describe('the look-up after a lost answer claims only the node’s own contacts', () => {
	it('a contact created elsewhere 2 s before the run, same name and no email, stays a Duplicate', async () => {
		const item = lead({ name: 'Sipho Zulu' });
		await runFlowIq({ sandbox, items: [item] }); // "elsewhere": another workflow, 2 s earlier
		await new Promise((resolve) => setTimeout(resolve, 2000));
		sandbox.failNext({ status: 502 }); // our first try: lost before FlowIQ acted
		const { outputs } = await runFlowIq({ sandbox, items: [item] });
		expect(pairedIndexes(outputs)).toEqual([[], [0], []]);
		expect(outputs[DUPLICATE][0].json.after_retry).toBe(true);
	});

	it('marks a contact it recovers, and of two executions sending the same lead at once only one claims it', async () => {
		const item = lead({ name: 'Twice Delivered' });
		sandbox.configure({ latencyMs: 50 });
		// Both first tries reach FlowIQ (one creates the contact, one meets a 409) and both answers are lost.
		sandbox.failNext({ status: 502, phase: 'after' }, 2);
		const runs = await Promise.all([runFlowIq({ sandbox, items: [item] }), runFlowIq({ sandbox, items: [item] })]);
		const landed = runs.map(({ outputs }) => pairedIndexes(outputs));
		expect(landed).toEqual(expect.arrayContaining([[[0], [], []], [[], [0], []]]));
		const created = runs.flatMap(({ outputs }) => outputs[CREATED]);
		const duplicate = runs.flatMap(({ outputs }) => outputs[DUPLICATE]);
		expect(created[0].json).toMatchObject({ full_name: 'Twice Delivered', recovered: true });
		expect(duplicate[0].json).toMatchObject({ after_retry: true, existing_contact: { id: created[0].json.id } });
		expect(sandbox.contacts('acme').filter((contact: IDataObject) => contact.full_name === 'Twice Delivered')).toHaveLength(1);
	});

	it('a 503 from a proxy after FlowIQ created the contact counts as a lost answer', async () => {
		sandbox.failNext({ status: 503, phase: 'after' });
		const { outputs } = await runFlowIq({ sandbox, items: [lead()] });
		expect(pairedIndexes(outputs)).toEqual([[0], [], []]);
		expect(outputs[CREATED][0].json.recovered).toBe(true);
	});
});

describe('cancelling', () => {
	it('says which contacts were already sent and may exist, and which were never sent', async () => {
		sandbox.configure({ latencyMs: 1500 });
		const controller = new AbortController();
		const items = Array.from({ length: 6 }, () => lead());
		const running = runFlowIq({
			sandbox,
			items,
			options: { maxConcurrency: 3 },
			settings: { onError: 'continueRegularOutput' },
			abortSignal: controller.signal,
		});
		await untilStats(sandbox, (stats) => stats.inFlight === 3, 'three contacts in flight');
		controller.abort();
		const { outputs } = await running;
		const messages = outputs[CREATED].map((item) => item.json.error);
		expect(messages.slice(0, 3)).toEqual(
			Array(3).fill('The execution was cancelled after this contact was sent: FlowIQ may have created it'),
		);
		expect(messages.slice(3)).toEqual(Array(3).fill('The execution was cancelled before this contact was sent'));
	});
});
