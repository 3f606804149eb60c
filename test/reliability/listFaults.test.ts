/**
 * Lists under faults: Contact → Get Many over thousands of contacts and Conversation → Get Messages
 * over a long conversation, with Return All and several pages in flight, while the sandbox answers
 * GET /conversations at random (seeded) with every fault a read can meet. Every contact or message
 * must come out exactly once, in FlowIQ's order, with at most Max Concurrency pages in flight and
 * within a time bound. A page that keeps failing beyond Max Retries must fail the item, never hand
 * on the pages before it as if they were the whole list.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { fixtures, pairedIndexes, runFlowIq, useSandbox } from '../node/harness';
import {
	chainsBy,
	countAnswers,
	countLoggedFaults,
	expectRetriesWithin,
	startRecordingProxy,
	timeBound,
	type Answer,
	type Attempt,
	type Intercept,
	type RecordingProxy,
} from './faultKit';

const SEED = 4242;
const FAULT_RATE = 0.3;
const RETRY_AFTER_S = 1;
const LATENCY = { latencyMs: 5, latencyJitterMs: 10 };
const OPTIONS = { maxConcurrency: 4, maxRetries: 5, timeout: 1000 };
const ENGINE_OVERHEAD_MS = 3000;

/** Every fault a read can meet, in either phase: reading twice changes nothing. */
const READ_FAULTS = [
	{ status: 429, retryAfter: RETRY_AFTER_S },
	{ status: 500 },
	{ status: 502 },
	{ status: 503 },
	{ status: 504 },
	{ kind: 'drop' },
	{ kind: 'slow', delayMs: 1500 },
];
const FAULT_LABELS = ['429 Retry-After seconds', '500', '502', '503', '504', 'dropped', 'timed out'];

/** Answers the transport retries for a read (RETRY_WHEN_HARMLESS). */
const RETRIED: ReadonlySet<Answer> = new Set<Answer>([429, 500, 502, 503, 504, 'dropped', 'timed out']);

const GET_MANY = { resource: 'contact', operation: 'getAll', returnAll: true };
const GET_MESSAGES = { resource: 'conversation', operation: 'getMessages', phoneNumber: fixtures.PHONES.existing, returnAll: true };

const sandboxLog: string[] = [];
const sandbox = useSandbox({ quiet: false, log: (line: string) => sandboxLog.push(line) });
let proxy: RecordingProxy;
/** Answers the proxy gives itself, for the test that needs one page to keep failing. */
let intercept: Intercept | undefined;

beforeAll(async () => {
	proxy = await startRecordingProxy(sandbox.url, () => intercept);
});
afterAll(async () => {
	await proxy.close();
});

function resetSandbox() {
	sandbox.configure({ faults: null, latencyMs: 0, latencyJitterMs: 0 });
	sandbox.reset();
	proxy.clear();
	sandboxLog.length = 0;
	intercept = undefined;
}

/** Each page's attempts: the list's pages are requested once each, retries aside. */
const byPage = (attempts: Attempt[]) =>
	chainsBy(attempts, (attempt) => (attempt.path === '/conversations' ? attempt.query.get('page') ?? '1' : undefined));

/** Every page of a GET /conversations list, read straight from the sandbox without faults. */
async function readWholeList(query: Record<string, string>, listKey: 'contacts' | 'messages'): Promise<IDataObject[]> {
	const items: IDataObject[] = [];
	for (let page = 1; ; page++) {
		const search = new URLSearchParams({ ...query, tenantId: 'acme', page: String(page), limit: '100' });
		const response = await fetch(`${sandbox.url}/conversations?${search}`, { headers: { Authorization: `Bearer ${fixtures.KEYS.acme}` } });
		const body = (await response.json()) as IDataObject;
		items.push(...(body[listKey] as IDataObject[]));
		if (!(body.pagination as IDataObject).hasNextPage) return items;
	}
}

/** Grows Existing Customer's conversation by `count` messages, sent through the API 20 at a time. */
async function lengthenConversation(count: number) {
	const send = (n: number) =>
		fetch(`${sandbox.url}/send-whatsapp?tenantId=acme`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${fixtures.KEYS.acme}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ phone_number: fixtures.PHONES.existing, message_type: 'text', text: `Update ${n}` }),
		});
	for (let first = 0; first < count; first += 20) {
		await Promise.all(Array.from({ length: Math.min(20, count - first) }, (_, i) => send(first + i)));
	}
}

interface ListRun {
	listed: INodeExecutionData[];
	expected: IDataObject[];
	pages: Map<string, Attempt[]>;
	attempts: Attempt[];
	stats: ReturnType<typeof sandbox.stats>;
	proxyMaxInFlight: number;
	injected: Record<string, number>;
	phases: Record<string, number>;
	elapsed: number;
	bound: number;
}

/** Runs one list operation under the random faults, after reading the whole list without them. */
async function listRun(
	parameters: INodeParameters,
	wholeList: () => Promise<IDataObject[]>,
	seed: number,
): Promise<ListRun> {
	const expected = await wholeList();
	proxy.clear();
	sandboxLog.length = 0;
	sandbox.resetStats();
	sandbox.configure({ ...LATENCY, faults: { seed, rate: FAULT_RATE, kinds: READ_FAULTS, routes: ['GET /conversations'] } });

	const started = performance.now();
	const { outputs, error } = await runFlowIq({ sandbox, items: [{}], parameters, options: OPTIONS, credentials: { baseUrl: proxy.url } });
	const elapsed = Math.round(performance.now() - started);
	expect(error).toBeUndefined();
	expect(outputs).toHaveLength(1);
	expect(pairedIndexes(outputs)).toEqual([Array(expected.length).fill(0)]);

	const attempts = [...proxy.attempts];
	const pages = byPage(attempts);
	const bound = timeBound(pages.values(), {
		timeout: OPTIONS.timeout,
		latencyMs: LATENCY.latencyMs + LATENCY.latencyJitterMs,
		retryAfterS: RETRY_AFTER_S,
		engineOverheadMs: ENGINE_OVERHEAD_MS,
	});
	return {
		listed: outputs[0],
		expected,
		pages,
		attempts,
		stats: sandbox.stats(),
		proxyMaxInFlight: proxy.maxInFlight(),
		injected: countAnswers(attempts, (answer) => !RETRIED.has(answer)),
		phases: countLoggedFaults(sandboxLog),
		elapsed,
		bound,
	};
}

function report(name: string, run: ListRun) {
	console.log(
		`${name}: ${run.expected.length} items on ${run.pages.size} pages in ${run.attempts.length} requests; ` +
			`faults ${JSON.stringify(run.injected)}; by phase ${JSON.stringify(run.phases)}; ` +
			`${run.elapsed} ms (bound ${run.bound} ms); max in flight ${run.stats.maxInFlight}`,
	);
}

/** The checks both lists share. */
function describeListChecks(label: string, getRun: () => ListRun) {
	it(`returns every ${label} exactly once, in FlowIQ's order`, () => {
		const run = getRun();
		expect(run.listed.map((item) => item.json)).toEqual(run.expected);
	});

	it('reads each page until it succeeds, retrying only what reads may retry, and no page past the last', () => {
		const run = getRun();
		const pageCount = Math.ceil(run.expected.length / 100);
		expect([...run.pages.keys()].map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: pageCount }, (_, i) => i + 1));
		for (const [page, tries] of run.pages) {
			expect({ page, answers: tries.filter((attempt) => attempt.answer === 200).length, last: tries.at(-1)!.answer }).toEqual({ page, answers: 1, last: 200 });
		}
		expectRetriesWithin(run.pages, RETRIED, OPTIONS.maxRetries);
	});

	it('never has more than Max Concurrency pages in flight', () => {
		const run = getRun();
		expect(run.stats.maxInFlight).toBeLessThanOrEqual(OPTIONS.maxConcurrency);
		expect(run.proxyMaxInFlight).toBeLessThanOrEqual(OPTIONS.maxConcurrency);
		// Several pages were in flight at once: the faults met a parallel read, not a sequential one.
		expect(run.proxyMaxInFlight).toBeGreaterThan(1);
	});

	it('ends within the bound derived from the retry settings', () => {
		const run = getRun();
		expect(run.elapsed).toBeLessThanOrEqual(run.bound);
	});
}

describe('Contact → Get Many with Return All over 4,002 contacts under random faults', () => {
	let run: ListRun;
	beforeAll(async () => {
		resetSandbox();
		sandbox.seedContacts('acme', 4000);
		run = await listRun(GET_MANY, () => readWholeList({ action: 'contacts' }, 'contacts'), SEED);
		report('Get Many fault run', run);
	}, 120_000);

	describeListChecks('contact', () => run);

	it('met every fault kind a read can meet, before and after FlowIQ answered', () => {
		for (const label of FAULT_LABELS) {
			expect({ label, seen: (run.injected[label] ?? 0) > 0 }).toEqual({ label, seen: true });
		}
		// A read changes nothing, so the phase only decides whether FlowIQ did the work for nothing.
		const phases = Object.keys(run.phases).map((fault) => fault.split('/')[1]);
		expect(new Set(phases)).toEqual(new Set(['before', 'after']));
	});
});

describe('Conversation → Get Messages with Return All over 1,225 messages under random faults', () => {
	let run: ListRun;
	beforeAll(async () => {
		resetSandbox();
		await lengthenConversation(1200);
		run = await listRun(
			GET_MESSAGES,
			() => readWholeList({ action: 'conversation-messages', whatsappNumber: fixtures.PHONES.existing.slice(1), ascending: 'false' }, 'messages'),
			SEED + 1,
		);
		report('Get Messages fault run', run);
	}, 120_000);

	describeListChecks('message', () => run);

	it('met faults of several kinds', () => {
		expect(Object.keys(run.injected).length).toBeGreaterThanOrEqual(4);
	});
});

describe('A page that keeps failing beyond Max Retries', () => {
	const BROKEN_PAGE = '7';
	const options = { maxConcurrency: 4, maxRetries: 2, timeout: 1000 };
	const broken = (attempt: Attempt) => (attempt.query.get('page') === BROKEN_PAGE ? { status: 500, body: { error: 'Internal server error', message: `Page ${BROKEN_PAGE} is broken` } } : undefined);
	const gaveUp = new RegExp(`^FlowIQ answered 500 \\(Internal server error\\): Page ${BROKEN_PAGE} is broken \\(gave up after 3 attempts\\)$`);

	beforeEach(() => {
		resetSandbox();
		intercept = broken;
	});

	it.each([
		['Contact → Get Many', GET_MANY, () => sandbox.seedContacts('acme', 1500)],
		['Conversation → Get Messages', GET_MESSAGES, () => lengthenConversation(1000)],
	])('%s fails the item under every onError setting, and never passes the pages before it on as the list', async (_operation, parameters, seed) => {
		await seed();
		for (const onError of ['stopWorkflow', 'continueRegularOutput', 'continueErrorOutput'] as const) {
			proxy.clear();
			const { outputs, error } = await runFlowIq({ sandbox, items: [{}], parameters, options, credentials: { baseUrl: proxy.url }, settings: { onError } });
			if (onError === 'stopWorkflow') {
				expect({ onError, message: error?.message }).toEqual({ onError, message: expect.stringMatching(gaveUp) });
			} else {
				expect({ onError, error }).toEqual({ onError, error: undefined });
				// The item's only trace is its error: no contact or message of the pages that did arrive.
				const errorOutput = onError === 'continueErrorOutput' ? 1 : 0;
				expect({ onError, paired: pairedIndexes(outputs) }).toEqual({ onError, paired: errorOutput === 1 ? [[], [0]] : [[0]] });
				expect({ onError, error: outputs[errorOutput][0].json.error }).toEqual({ onError, error: expect.stringMatching(gaveUp) });
			}
			// The broken page was tried Max Retries + 1 times, and nothing was left in flight.
			const pages = byPage(proxy.attempts);
			expect({ onError, tries: pages.get(BROKEN_PAGE)?.length }).toEqual({ onError, tries: options.maxRetries + 1 });
			expect({ onError, inFlight: sandbox.stats().inFlight }).toEqual({ onError, inFlight: 0 });
		}
	}, 30_000);
});
