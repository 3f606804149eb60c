/**
 * Message → Send under faults: hundreds of messages to existing contacts while the sandbox answers
 * POST /send-whatsapp at random (seeded), in both phases: 'before' (nothing sent) and 'after'
 * (FlowIQ sent the message, then the answer was lost or replaced). Each item carries a text of its
 * own, so the sandbox's sent log tells which item each delivered message belongs to.
 *
 * The promises checked: no message is ever sent twice, also not by n8n's Retry On Fail within the
 * execution; every item ends exactly once, delivered (with the message ID the log holds) or failed;
 * a failure says "may have been delivered" exactly when its last answer could follow a delivered
 * message (500, 502, 504, a dropped connection, a timeout), and never after FlowIQ said it did
 * nothing (429, 503), which is retried instead.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { pairedIndexes, runFlowIq, useSandbox } from '../node/harness';
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

const SEED = 980;
const FAULT_RATE = 0.15;
const SLOW_MS = 1500;
const RETRY_AFTER_S = 1;
const LATENCY = { latencyMs: 5, latencyJitterMs: 10 };
const OPTIONS = { maxConcurrency: 8, maxRetries: 5, timeout: 1000 };
const ENGINE_OVERHEAD_MS = 3000;

/**
 * 429 and 503 only before FlowIQ acts, as FlowIQ sends them (rate limit, maintenance); the node
 * retries them. Every other kind hits either phase at random.
 */
const SEND_FAULTS = [
	{ status: 429, retryAfter: RETRY_AFTER_S, phase: 'before' },
	{ status: 429, phase: 'before' },
	{ status: 503, phase: 'before' },
	{ status: 500 },
	{ status: 502 },
	{ status: 504 },
	{ kind: 'drop' },
	{ kind: 'slow', delayMs: SLOW_MS },
];

/** The answers that say FlowIQ did nothing: a send is retried after these and no others (RETRY_WHEN_NOT_PROCESSED). */
const NOT_PROCESSED: ReadonlySet<Answer> = new Set<Answer>([429, 503]);
/** The answers that may follow a delivered message: the item fails with "may have been delivered". */
const MAY_HAVE_ACTED: ReadonlySet<Answer> = new Set<Answer>([500, 502, 504, 'dropped', 'timed out']);
const MAY_HAVE_BEEN_DELIVERED = /^(.+): the message may have been delivered, so the node does not send it again$/;

const SEND_TEXT = { resource: 'message', operation: 'send', phoneNumber: '={{ $json.phone }}', messageType: 'text', text: '={{ $json.text }}' };

const sandboxLog: string[] = [];
const sandbox = useSandbox({ quiet: false, log: (line: string) => sandboxLog.push(line) });
let proxy: RecordingProxy;

beforeAll(async () => {
	proxy = await startRecordingProxy(sandbox.url);
});
afterAll(async () => {
	await proxy.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `count` messages, each with a text of its own, to existing contacts: every contact once, then
 * some a second time (a second message to one person is no repeat).
 */
function plannedMessages(count: number): IDataObject[] {
	const contacts = sandbox.contacts('acme') as Array<{ phone_number: string }>;
	return Array.from({ length: count }, (_, i) => ({
		phone: contacts[i % contacts.length].phone_number,
		text: `Order ${1000 + i} has shipped`,
	}));
}

type SentEntry = { message_id: string; body: { text: string } };

interface SendRun {
	items: IDataObject[];
	outputs: INodeExecutionData[][];
	error?: { message?: string };
	/** Each item's POST attempts, by its text, across every try of the node. */
	chains: Map<string, Attempt[]>;
	/** Every message the sandbox sent, by text. */
	sent: Map<string, SentEntry[]>;
	attempts: Attempt[];
	stats: ReturnType<typeof sandbox.stats>;
	injected: Record<string, number>;
	phases: Record<string, number>;
	elapsed: number;
}

async function sendRun(
	count: number,
	seed: number,
	options: IDataObject,
	settings: NonNullable<Parameters<typeof runFlowIq>[0]['settings']>,
	firstItem?: IDataObject,
): Promise<SendRun> {
	sandbox.configure({ faults: null, latencyMs: 0, latencyJitterMs: 0 });
	sandbox.reset();
	// Fewer contacts than messages: some get two, which is no repeat.
	sandbox.seedContacts('acme', Math.ceil(count * 0.8), 'Recipient');
	const items = plannedMessages(count);
	if (firstItem) items.unshift(firstItem);
	proxy.clear();
	sandboxLog.length = 0;
	sandbox.configure({ ...LATENCY, faults: { seed, rate: FAULT_RATE, kinds: SEND_FAULTS, routes: ['POST /send-whatsapp'] } });

	const started = performance.now();
	const { outputs, error } = await runFlowIq({ sandbox, items, parameters: SEND_TEXT, options, credentials: { baseUrl: proxy.url }, settings });
	const elapsed = Math.round(performance.now() - started);
	// A slow answer the node gave up on may still be carried out: let the sandbox finish first.
	await sleep(SLOW_MS);

	const sent = new Map<string, SentEntry[]>();
	for (const entry of sandbox.sent('acme') as SentEntry[]) sent.set(entry.body.text, [...(sent.get(entry.body.text) ?? []), entry]);
	const attempts = [...proxy.attempts];
	return {
		items,
		outputs,
		error,
		chains: chainsBy(attempts, (attempt) => (attempt.method === 'POST' ? String(attempt.body?.text) : undefined)),
		sent,
		attempts,
		stats: sandbox.stats(),
		injected: countAnswers(attempts, (answer) => answer === 200 || answer === 404),
		phases: countLoggedFaults(sandboxLog),
		elapsed,
	};
}

function report(name: string, run: SendRun, extra = '') {
	const sentCount = [...run.sent.values()].reduce((total, entries) => total + entries.length, 0);
	console.log(
		`${name}: ${run.items.length} items, ${sentCount} messages sent in ${run.attempts.length} requests; ` +
			`faults ${JSON.stringify(run.injected)}; by phase ${JSON.stringify(run.phases)}; ${run.elapsed} ms${extra}; ` +
			`max in flight ${run.stats.maxInFlight}`,
	);
}

/** No text in the sent log twice. */
function expectNoDoubles(run: SendRun) {
	const doubles = [...run.sent].filter(([, entries]) => entries.length > 1).map(([text]) => text);
	expect(doubles).toEqual([]);
}

/** Where each item ended, when failed items come out on `errorOutput` (with n8n's error fields). */
function placeItems(run: SendRun, errorOutput: number): Array<{ output: number; json: IDataObject }> {
	const placed: Array<{ output: number; json: IDataObject }> = new Array(run.items.length);
	pairedIndexes(run.outputs).forEach((indexes, output) =>
		indexes.forEach((index, position) => {
			expect({ index, twice: placed[index] !== undefined }).toEqual({ index, twice: false });
			placed[index] = { output, json: run.outputs[output][position].json };
		}),
	);
	expect(placed.filter(Boolean)).toHaveLength(run.items.length);
	// Failed items on the main output (continueRegularOutput) are n8n's { error, message } items.
	return placed.map(({ output, json }) => ({ output: output === errorOutput && typeof json.error === 'string' ? -1 : output, json }));
}

/**
 * Every item ended once, as the log and its last answer say it must: delivered with the logged
 * message ID, or failed, saying "may have been delivered" exactly when the last answer may follow
 * a delivered message, and always when the log holds the message.
 */
function expectEveryItemAccountedFor(run: SendRun, errorOutput: number) {
	const counts = { delivered: 0, mayHaveBeenDelivered: 0, loggedButFailed: 0, otherFailures: 0 };
	placeItems(run, errorOutput).forEach(({ output, json }, index) => {
		const text = String(run.items[index].text);
		const logged = run.sent.get(text) ?? [];
		const last = run.chains.get(text)?.at(-1)?.answer;
		const where = { index, text, last };
		if (output !== -1) {
			expect({ ...where, message_id: json.message_id }).toEqual({ ...where, message_id: logged[0]?.message_id });
			counts.delivered++;
			return;
		}
		const error = String(json.error);
		const mayHave = MAY_HAVE_BEEN_DELIVERED.test(error);
		expect({ ...where, mayHave }).toEqual({ ...where, mayHave: MAY_HAVE_ACTED.has(last as Answer) });
		if (logged.length > 0) expect({ ...where, error }).toEqual({ ...where, error: expect.stringMatching(MAY_HAVE_BEEN_DELIVERED) });
		if (mayHave) counts.mayHaveBeenDelivered++;
		else counts.otherFailures++;
		if (logged.length > 0) counts.loggedButFailed++;
	});
	return counts;
}

describe('Message → Send: a seeded random-fault run of 240 messages (continueErrorOutput)', () => {
	let run: SendRun;
	let counts: ReturnType<typeof expectEveryItemAccountedFor>;
	let bound: number;

	beforeAll(async () => {
		run = await sendRun(240, SEED, OPTIONS, { onError: 'continueErrorOutput' });
		expect(run.error).toBeUndefined();
		bound = timeBound(run.chains.values(), {
			timeout: OPTIONS.timeout,
			latencyMs: LATENCY.latencyMs + LATENCY.latencyJitterMs,
			retryAfterS: RETRY_AFTER_S,
			engineOverheadMs: ENGINE_OVERHEAD_MS,
		});
		counts = expectEveryItemAccountedFor(run, 1);
		report('send fault run', run, ` (bound ${bound} ms); outcomes ${JSON.stringify(counts)}`);
	}, 120_000);

	it('sends no message twice', () => {
		expectNoDoubles(run);
	});

	it('resends only after a 429 or 503, within Max Retries, and never after an answer that may follow a delivered message', () => {
		expect(run.chains.size).toBe(run.items.length);
		expectRetriesWithin(run.chains, NOT_PROCESSED, OPTIONS.maxRetries);
	});

	it('ends every item exactly once: delivered with the logged message ID, or failed, saying "may have been delivered" exactly when it may have been', () => {
		// Checked while the run was captured; this names the guarantee and that each case occurred.
		expect(counts.delivered + counts.mayHaveBeenDelivered + counts.otherFailures).toBe(run.items.length);
		expect(counts.mayHaveBeenDelivered).toBeGreaterThan(0);
		expect(counts.loggedButFailed).toBeGreaterThan(0);
		expect(counts.otherFailures).toBe(0);
	});

	it('delivers every message whose only faults were 429s and 503s', () => {
		for (const [text, tries] of run.chains) {
			if (tries.every((attempt) => NOT_PROCESSED.has(attempt.answer as Answer) || attempt.answer === 200)) {
				expect({ text, sent: run.sent.get(text)?.length }).toEqual({ text, sent: 1 });
			}
		}
		expect([...run.chains.values()].filter((tries) => tries.length > 1).length).toBeGreaterThan(0);
	});

	it('never has more than Max Concurrency requests in flight', () => {
		expect(run.stats.maxInFlight).toBeLessThanOrEqual(OPTIONS.maxConcurrency);
	});

	it('ends within the bound derived from the retry settings', () => {
		expect(run.elapsed).toBeLessThanOrEqual(bound);
	});

	it('met every fault kind, and the ones that may follow a delivered message in both phases', () => {
		for (const label of ['429 Retry-After seconds', '429 no Retry-After', '500', '502', '503', '504', 'dropped', 'timed out']) {
			expect({ label, seen: (run.injected[label] ?? 0) > 0 }).toEqual({ label, seen: true });
		}
		for (const kind of ['500', '502', '504', 'drop', 'slow']) {
			expect(run.phases).toMatchObject({ [`${kind}/before`]: expect.any(Number), [`${kind}/after`]: expect.any(Number) });
		}
	});
});

describe('Message → Send with n8n’s Retry On Fail (3 tries) under random faults', () => {
	const maxTries = 3;
	/** No retries inside a try: a 429 or 503 fails the item, and only n8n's next try may send it again. */
	const options = { ...OPTIONS, maxRetries: 0 };

	/** Across the tries a text is sent again only after a 429 or 503 (nothing was sent), once per try at most. */
	function expectResentOnlyWhenNothingWasSent(run: SendRun) {
		for (const [text, tries] of run.chains) {
			const early = tries.slice(0, -1).map((attempt) => attempt.answer);
			expect({ text, early: early.filter((answer) => !NOT_PROCESSED.has(answer as Answer)) }).toEqual({ text, early: [] });
			expect({ text, tries: tries.length <= maxTries }).toEqual({ text, tries: true });
		}
	}

	it('continueRegularOutput, with an item that fails every try: no doubles, every item accounted for', async () => {
		// The first item has no text: it fails in every try before any request, so n8n (which looks
		// at the first item) runs the node all three times.
		const empty = { phone: '+27825550100', text: '' };
		const run = await sendRun(120, SEED + 1, options, { onError: 'continueRegularOutput', retryOnFail: true, maxTries, waitBetweenTries: 1 }, empty);
		expect(run.error).toBeUndefined();
		expect(run.outputs[0][0].json.error).toBe('Text is empty: enter the message to send');

		expectNoDoubles(run);
		expectResentOnlyWhenNothingWasSent(run);
		const counts = expectEveryItemAccountedFor(run, 0);
		// Later tries sent again what FlowIQ turned away (429, 503), and nothing else.
		const resent = [...run.chains.values()].filter((tries) => tries.length > 1);
		report('send Retry On Fail run (continue)', run, `; ${resent.length} messages resent by a later try; outcomes ${JSON.stringify(counts)}`);
		expect(resent.length).toBeGreaterThan(0);
		expect(counts.mayHaveBeenDelivered).toBeGreaterThan(0);
		// The empty text is the only failure that is not a "may have been delivered": every 429 and
		// 503 of a try was sent again by the next, and delivered by the last at the latest.
		expect(counts.otherFailures).toBe(1);
	}, 60_000);

	it('stopWorkflow: each try stops at a failure and the next goes on, still without doubles', async () => {
		const run = await sendRun(120, SEED + 2, options, { onError: 'stopWorkflow', retryOnFail: true, maxTries, waitBetweenTries: 1 });
		report('send Retry On Fail run (stop)', run, `; execution error: ${run.error?.message ?? 'none'}`);
		expectNoDoubles(run);
		expectResentOnlyWhenNothingWasSent(run);
		// The execution failed with an item's error, or succeeded with every message delivered once.
		if (run.error) {
			expect(run.error.message).toMatch(/may have been delivered|^FlowIQ answered (429|503)/);
		} else {
			expect(run.sent.size).toBe(run.items.length);
		}
	}, 60_000);
});

describe('Message → Send after an answer that is not the one FlowIQ documents', () => {
	let intercepting: Intercept | undefined;
	let answering: RecordingProxy;
	beforeAll(async () => {
		answering = await startRecordingProxy(sandbox.url, () => intercepting);
	});
	afterAll(async () => {
		await answering.close();
	});

	// FlowIQ answers 2xx only once the message went out: one without `data` is no licence to resend.
	it.each([
		['200 without data', 200],
		['202 without data', 202],
	])('a %s, after FlowIQ sent the message, is never followed by a second send, also not by Retry On Fail', async (_answer, status) => {
		sandbox.configure({ faults: null, latencyMs: 0, latencyJitterMs: 0 });
		let first = true;
		// FlowIQ sends the first message, and a proxy or a changed FlowIQ answers without `data`.
		intercepting = () => {
			if (!first) return undefined;
			first = false;
			return { status, body: { success: true, message: 'Message sent successfully' }, afterForwarding: true };
		};
		const { error } = await runFlowIq({
			sandbox,
			items: [{ phone: '+27825550100', text: 'Your order shipped' }],
			parameters: SEND_TEXT,
			options: OPTIONS,
			credentials: { baseUrl: answering.url },
			settings: { retryOnFail: true, maxTries: 3, waitBetweenTries: 1 },
		});
		expect(sandbox.sent('acme')).toHaveLength(1);
		expect(error?.message).toMatch(MAY_HAVE_BEEN_DELIVERED);
	});
});
