/**
 * Fault injection: hundreds of items through the node in n8n's engine while the sandbox answers
 * at random (seeded, so a failure replays), then checks that nothing was lost, nothing created
 * twice, every item kept its pairedItem, and retries stayed within what the settings allow.
 *
 * A recording proxy (faultKit.ts) sits between the node and the sandbox and reads the phone number
 * of every attempt and what came back, so the test can follow each contact's retries.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { InvalidReason } from '../../nodes/FlowIq/helpers/contactInput';
import { fixtures, pairedIndexes, runFlowIq, untilStats, useSandbox, type Sandbox } from '../node/harness';
import {
	chainsBy,
	countAnswers,
	countLoggedFaults,
	expectRetriesWithin,
	startRecordingProxy,
	timeBound,
	type Answer,
	type Attempt,
	type RecordingProxy,
} from './faultKit';

const { mulberry32 } = require('../../sandbox/server');

const CREATED = 0;
const DUPLICATE = 1;
const INVALID = 2;
/** With onError 'continueErrorOutput' n8n adds the error output after the node's three. */
const ERROR = 3;

const SEED = 1812;
const FAULT_RATE = 0.1;
const SLOW_MS = 1500;
const RETRY_AFTER_S = 1;
const LATENCY = { latencyMs: 5, latencyJitterMs: 10 };
/** The sandbox, the proxy and the node share one event loop: a timeout well above a GC pause or a
 *  busy machine's stall keeps timeouts down to the injected slow answers. */
const OPTIONS = { maxConcurrency: 8, maxRetries: 5, timeout: 1000, defaultCountry: 'ZA' };

/**
 * Every kind the issue lists. 429 and 503 stay in the 'before' phase, as FlowIQ itself sends them
 * (rate limit, maintenance: nothing done). The other kinds hit both phases at random, so some
 * contacts ARE created before the answer is lost. A 503 from a proxy after FlowIQ acted is in
 * hardening.test.ts.
 */
const RANDOM_FAULTS = [
	{ status: 429, retryAfter: RETRY_AFTER_S, phase: 'before' },
	{ status: 429, retryAfter: RETRY_AFTER_S, retryAfterDate: true, phase: 'before' },
	{ status: 429, phase: 'before' },
	{ status: 500 },
	{ status: 502 },
	{ status: 503, phase: 'before' },
	{ status: 504 },
	{ kind: 'drop' },
	{ kind: 'slow', delayMs: SLOW_MS },
];

/**
 * Answers the transport retries for a create (RETRY_WHEN_HARMLESS): any other answer must be a
 * contact's last attempt. A 500 is retried too: FlowIQ answers the repeat of a contact it did
 * create with a 409, and the node recognises its own contact behind it.
 */
const RETRIED: ReadonlySet<Answer> = new Set<Answer>([429, 500, 502, 503, 504, 'dropped', 'timed out']);

/** Each contact's create attempts (POSTs, not the look-ups after a 409), by the phone number sent. */
function attemptsByPhone(attempts: Attempt[]): Map<string, Attempt[]> {
	return chainsBy(attempts, (attempt) => (attempt.method === 'POST' ? String(attempt.body?.phone_number) : undefined));
}

// ---------------------------------------------------------------------------------------------
// The items of a run

type Category = 'fresh' | 'existing' | 'notOnWhatsApp' | 'local';

interface PlannedItem {
	json: IDataObject;
	category: Category;
	/** The E.164 number the node must send; none for items it must reject itself. */
	e164?: string;
	reason?: InvalidReason;
}

/** Ways people write the same South African mobile number (national significant number `nsn`). */
const FORMATS: Array<(nsn: string) => string | number> = [
	(nsn) => `+27 ${nsn.slice(0, 2)} ${nsn.slice(2, 5)} ${nsn.slice(5)}`,
	(nsn) => `0${nsn.slice(0, 2)} ${nsn.slice(2, 5)} ${nsn.slice(5)}`, // read with Default Country ZA
	(nsn) => `0027${nsn}`,
	(nsn) => `+27-${nsn.slice(0, 2)}-${nsn.slice(2, 5)}-${nsn.slice(5)}`,
	(nsn) => Number(`27${nsn}`), // a spreadsheet column of numbers
];

const LOCAL_PROBLEMS: Array<[IDataObject, InvalidReason]> = [
	[{ name: '  ' }, 'missing_name'],
	[{ phone: 'call me' }, 'invalid_phone'],
	[{ phone: '' }, 'missing_phone'],
	[{ email: 'jane@' }, 'invalid_email'],
	[{ tags: { vip: true } }, 'invalid_tags'],
	[{ phone: '+27 84 123' }, 'invalid_phone'],
];

interface PlanSizes {
	fresh: number;
	repeats: number;
	existing: number;
	notOnWhatsApp: number;
	local: number;
}

/**
 * A shuffled mix of valid, duplicate and invalid items. `block` (one digit) gives each run its own
 * numbers and random sequence, so what one run left behind can never pass for another's.
 */
function planItems(block: number, sizes: PlanSizes, random: () => number): { items: PlannedItem[]; existing: string[] } {
	const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
	const item = (category: Category, nsn: string, name: string): PlannedItem => ({
		json: { name, phone: pick(FORMATS)(nsn), email: '', tags: 'fault-run' },
		category,
		e164: `+27${nsn}`,
	});

	const fresh = Array.from({ length: sizes.fresh }, (_, i) => `84${block}${String(i + 1).padStart(6, '0')}`);
	const existing = Array.from({ length: sizes.existing }, (_, i) => `84${block}9${String(i + 1).padStart(5, '0')}`);
	// The sandbox's rule: numbers ending in 0000 are not on WhatsApp. Half of them come twice.
	const notOnWhatsApp = Array.from({ length: sizes.notOnWhatsApp }, (_, i) => `84${block}${String(i + 1).padStart(2, '0')}0000`);

	const items: PlannedItem[] = [
		...fresh.map((nsn, i) => item('fresh', nsn, `Lead ${i + 1}`)),
		...Array.from({ length: sizes.repeats }, () => item('fresh', pick(fresh), 'Same lead again')),
		...existing.map((nsn) => item('existing', nsn, 'Already in FlowIQ')),
		...existing.slice(0, sizes.existing / 2).map((nsn) => item('existing', nsn, 'Already in FlowIQ, again')),
		item('existing', fixtures.PHONES.existing.slice(3), 'Seeded contact'),
		...notOnWhatsApp.map((nsn) => item('notOnWhatsApp', nsn, 'Landline')),
		...notOnWhatsApp.slice(0, sizes.notOnWhatsApp / 2).map((nsn) => item('notOnWhatsApp', nsn, 'Landline again')),
		...Array.from({ length: sizes.local }, (_, i) => {
			const [fields, reason] = LOCAL_PROBLEMS[i % LOCAL_PROBLEMS.length];
			return {
				json: { name: 'Broken row', phone: '+27 84 999 9999', email: '', tags: '', ...fields },
				category: 'local' as const,
				reason,
			};
		}),
	];
	for (let i = items.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[items[i], items[j]] = [items[j], items[i]];
	}
	return { items, existing: existing.map((nsn) => `+27${nsn}`) };
}

/** Creates contacts as another FlowIQ user would, straight through the API, before the run. */
async function createElsewhere(sandbox: Sandbox, phones: string[]) {
	for (const phone of phones) {
		const response = await fetch(`${sandbox.url}/contact?tenantId=acme`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${fixtures.KEYS.acme}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ name: 'Created elsewhere', phone_number: phone }),
		});
		expect(response.status).toBe(201);
	}
}

// ---------------------------------------------------------------------------------------------
// Checks

interface Placed {
	output: number;
	json: IDataObject;
}

/** Where each input item ended up; fails when an item is missing or appears twice. */
function placeItems(outputs: INodeExecutionData[][], count: number): Placed[] {
	const placed: Placed[] = new Array(count);
	pairedIndexes(outputs).forEach((indexes, output) =>
		indexes.forEach((index, position) => {
			expect(placed[index]).toBeUndefined();
			placed[index] = { output, json: outputs[output][position].json };
		}),
	);
	expect(placed.filter(Boolean)).toHaveLength(count);
	return placed;
}

type StoredContact = { id: string; phone_number: string };

interface RunCheck {
	counts: { created: number; duplicate: number; invalid: number; failed: number; failedButCreated: number };
	/** Duplicate items for numbers that did not exist before the run: the node created these itself. */
	ownDuplicates: IDataObject[];
}

/**
 * Checks every item's output against what its category allows, and the sandbox's contacts against
 * the outputs. `errorOutput` is where failed items land: ERROR with continueErrorOutput (n8n merges
 * the input item into them, so their phone shows which item they are), CREATED with
 * continueRegularOutput.
 */
function checkRun(
	plan: PlannedItem[],
	placed: Placed[],
	stored: Map<string, StoredContact>,
	before: Map<string, StoredContact>,
	errorOutput: number,
): RunCheck {
	const leaders = new Map<string, number>();
	plan.forEach(({ e164 }, index) => {
		if (e164 && !leaders.has(e164)) leaders.set(e164, index);
	});
	const isError = ({ output, json }: Placed) => output === errorOutput && (output === ERROR || 'error' in json);
	const counts = { created: 0, duplicate: 0, invalid: 0, failed: 0, failedButCreated: 0 };
	const ownDuplicates: IDataObject[] = [];

	plan.forEach((planned, index) => {
		const got = placed[index];
		const where = `item ${index} (${planned.category}, ${String(planned.json.phone)})`;
		if (isError(got)) {
			expect({ where, error: typeof got.json.error }).toEqual({ where, error: 'string' });
			if (errorOutput === ERROR) expect({ where, phone: got.json.phone }).toEqual({ where, phone: planned.json.phone });
			counts.failed++;
			// The outcome was unknown to the node (e.g. a 500 after FlowIQ created it): the contact may exist.
			if (planned.e164 && stored.has(planned.e164) && !before.has(planned.e164)) counts.failedButCreated++;
		} else if (got.output === CREATED) counts.created++;
		else if (got.output === DUPLICATE) counts.duplicate++;
		else counts.invalid++;

		if (!planned.e164) {
			expect({ where, output: got.output, ...got.json }).toMatchObject({ where, output: INVALID, reason: planned.reason, source: 'local' });
			return;
		}
		const leaderIndex = leaders.get(planned.e164)!;
		const leader = placed[leaderIndex];
		if (index !== leaderIndex) {
			// Only the first item with a number is sent; the others follow its outcome.
			if (isError(leader)) expect({ where, failed: isError(got) }).toEqual({ where, failed: true });
			else if (leader.output === CREATED) {
				expect({ where, output: got.output, ...got.json }).toMatchObject({
					where,
					output: DUPLICATE,
					existing_contact: { id: leader.json.id },
					message: `Same phone number as item ${leaderIndex + 1} earlier in this run`,
				});
			} else expect({ where, output: got.output }).toEqual({ where, output: leader.output });
			if (!isError(got)) {
				expect({ where, sent: (got.json.submitted as IDataObject).phone_number }).toEqual({ where, sent: planned.e164 });
			}
			return;
		}
		if (isError(got)) return;

		const contact = stored.get(planned.e164);
		if (planned.category === 'fresh' && got.output === CREATED) {
			expect({ where, ...got.json }).toMatchObject({ where, id: contact?.id, phone_number: planned.e164 });
		} else if (planned.category === 'fresh') {
			// FlowIQ created it on an earlier attempt whose answer was lost, so the retry met a 409.
			expect({ where, output: got.output, ...got.json }).toMatchObject({
				where,
				output: DUPLICATE,
				existing_contact: { id: contact?.id },
				submitted: { phone_number: planned.e164 },
			});
			ownDuplicates.push(got.json);
		} else if (planned.category === 'existing') {
			expect({ where, output: got.output, ...got.json }).toMatchObject({
				where,
				output: DUPLICATE,
				existing_contact: { id: before.get(planned.e164)?.id },
				submitted: { phone_number: planned.e164 },
			});
		} else {
			expect({ where, output: got.output, ...got.json }).toMatchObject({
				where,
				output: INVALID,
				reason: 'not_on_whatsapp',
				source: 'api',
				submitted: { phone_number: planned.e164 },
			});
		}
	});

	// The sandbox stores one contact per number; new ones may only be numbers the run was to create.
	const creatable = new Set(plan.filter((item) => item.category === 'fresh').map((item) => item.e164));
	for (const [phone, contact] of stored) {
		if (before.has(phone)) expect(contact.id).toBe(before.get(phone)!.id);
		else expect({ phone, creatable: creatable.has(phone) }).toEqual({ phone, creatable: true });
	}
	return { counts, ownDuplicates };
}

function contactsByPhone(sandbox: Sandbox): Map<string, StoredContact> {
	return new Map(sandbox.contacts('acme').map((contact: StoredContact) => [contact.phone_number, contact]));
}

/** Building the workflow, resolving 530 items' expressions and the outputs (about 1.6 s measured here). */
const ENGINE_OVERHEAD_MS = 3000;

/** The run's time bound (faultKit.ts explains it), from the answers each contact got. */
function runBound(byPhone: Map<string, Attempt[]>): number {
	return timeBound(byPhone.values(), {
		timeout: OPTIONS.timeout,
		latencyMs: LATENCY.latencyMs + LATENCY.latencyJitterMs,
		retryAfterS: RETRY_AFTER_S,
		engineOverheadMs: ENGINE_OVERHEAD_MS,
	});
}

// ---------------------------------------------------------------------------------------------

const sandboxLog: string[] = [];
const sandbox = useSandbox({ quiet: false, log: (line: string) => sandboxLog.push(line) });
let proxy: RecordingProxy;

beforeAll(async () => {
	proxy = await startRecordingProxy(sandbox.url);
});
afterAll(async () => {
	await proxy.close();
});

/**
 * A run starts from a fresh sandbox without faults or latency. Runs happen in `beforeAll` and
 * capture what their checks read, since useSandbox() empties the sandbox before each test.
 */
function resetSandbox() {
	sandbox.configure({ faults: null, latencyMs: 0, latencyJitterMs: 0 });
	sandbox.reset();
	proxy.clear();
	sandboxLog.length = 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface FaultRun extends RunCheck {
	plan: PlannedItem[];
	placed: Placed[];
	attempts: Attempt[];
	byPhone: Map<string, Attempt[]>;
	stats: ReturnType<Sandbox['stats']>;
	log: string[];
	elapsed: number;
}

/** Runs a planned mix through the proxy with the given faults and captures everything the checks need. */
async function faultRun(
	block: number,
	sizes: PlanSizes,
	setup: (leaders: number) => void,
	settings: NonNullable<Parameters<typeof runFlowIq>[0]['settings']>,
	options: typeof OPTIONS = OPTIONS,
): Promise<FaultRun> {
	resetSandbox();
	const { items: plan, existing } = planItems(block, sizes, mulberry32(SEED + block));
	await createElsewhere(sandbox, existing);
	const before = contactsByPhone(sandbox);
	sandbox.resetStats();
	setup(new Set(plan.map((item) => item.e164).filter(Boolean)).size);

	const started = performance.now();
	const { outputs, error } = await runFlowIq({
		sandbox,
		items: plan.map((item) => item.json),
		options,
		credentials: { baseUrl: proxy.url },
		settings,
	});
	const elapsed = Math.round(performance.now() - started);

	expect(error).toBeUndefined();
	expect(outputs).toHaveLength(settings.onError === 'continueErrorOutput' ? 4 : 3);
	const placed = placeItems(outputs, plan.length);
	const errorOutput = settings.onError === 'continueErrorOutput' ? ERROR : CREATED;
	const attempts = [...proxy.attempts];
	return {
		plan,
		placed,
		attempts,
		byPhone: attemptsByPhone(attempts),
		stats: sandbox.stats(),
		log: [...sandboxLog],
		elapsed,
		...checkRun(plan, placed, contactsByPhone(sandbox), before, errorOutput),
	};
}

const numbersToSend = (plan: PlannedItem[]) => new Set(plan.filter((item) => item.e164).map((item) => item.e164));

describe('A seeded random-fault run of 530 items (continueErrorOutput)', () => {
	let run: FaultRun;
	let injected: Record<string, number>;
	let phases: Record<string, number>;
	let bound: number;

	beforeAll(async () => {
		run = await faultRun(
			1,
			{ fresh: 360, repeats: 60, existing: 26, notOnWhatsApp: 20, local: 40 },
			() => sandbox.configure({ ...LATENCY, faults: { seed: SEED, rate: FAULT_RATE, kinds: RANDOM_FAULTS } }),
			{ onError: 'continueErrorOutput' },
		);
		injected = countAnswers(run.attempts, (answer) => !RETRIED.has(answer));
		phases = countLoggedFaults(run.log);
		bound = runBound(run.byPhone);
		console.log(
			`fault run: ${run.plan.length} items, ${run.byPhone.size} numbers sent in ${run.attempts.length} requests; ` +
				`faults ${JSON.stringify(injected)}; by phase ${JSON.stringify(phases)}; ` +
				`outcomes ${JSON.stringify({ ...run.counts, duplicateOfOwnContact: run.ownDuplicates.length })}; ` +
				`${run.elapsed} ms (bound ${bound} ms); max in flight ${run.stats.maxInFlight}`,
		);
	}, 120_000);

	it('puts every item on exactly one output, with its own pairedItem and an outcome its input allows', () => {
		// placeItems and checkRun did the work while the run was captured; this names the guarantee.
		expect(run.placed.filter(Boolean)).toHaveLength(run.plan.length);
		expect(run.counts.created + run.counts.duplicate + run.counts.invalid + run.counts.failed).toBe(run.plan.length);
	});

	it('sends only the first item of each valid number, and flags every Duplicate its own lost answer caused', () => {
		expect(new Set(run.byPhone.keys())).toEqual(numbersToSend(run.plan));
		// A contact the node created reaches Duplicate only when an answer was lost and the look-up
		// that would have found it failed too (faults hit it as well), and then it says so.
		expect(run.ownDuplicates.filter((json) => json.after_retry !== true)).toEqual([]);
	});

	it('retries only network errors, timeouts, 429, 500, 502, 503 and 504, within their limits: a 409 is final', () => {
		expectRetriesWithin(run.byPhone, RETRIED, OPTIONS.maxRetries);
		// Every 409 the sandbox sent reached the node (none was replaced by a fault) and ended its contact.
		expect(run.attempts.filter((attempt) => attempt.answer === 409)).toHaveLength(run.stats.byStatus[409]);
	});

	it('never has more than Max Concurrency requests in flight', () => {
		expect(run.stats.maxInFlight).toBeLessThanOrEqual(OPTIONS.maxConcurrency);
	});

	it('ends within the bound derived from the retry settings', () => {
		expect(run.elapsed).toBeLessThanOrEqual(bound);
	});

	it('met every fault kind the issue lists, the three forms of 429, and both phases', () => {
		const sum = (...labels: string[]) => labels.reduce((total, label) => total + (injected[label] ?? 0), 0);
		// What the proxy saw is what the sandbox says it injected.
		const { slow, ...answered } = run.stats.faultsInjected;
		expect({
			429: sum('429 Retry-After seconds', '429 Retry-After date', '429 no Retry-After'),
			500: sum('500'),
			502: sum('502'),
			503: sum('503'),
			504: sum('504'),
			drop: sum('dropped'),
		}).toEqual(answered);
		// Every slow answer timed out; a stalled event loop may time out another one, which is retried all the same.
		expect(sum('timed out')).toBeGreaterThanOrEqual(slow);
		for (const label of ['429 Retry-After seconds', '429 Retry-After date', '429 no Retry-After', '500', '502', '503', '504', 'dropped', 'timed out']) {
			expect({ label, seen: (injected[label] ?? 0) > 0 }).toEqual({ label, seen: true });
		}
		for (const kind of ['500', '502', '504', 'drop', 'slow']) {
			expect(phases).toMatchObject({ [`${kind}/before`]: expect.any(Number), [`${kind}/after`]: expect.any(Number) });
		}
	});
});

describe('n8n "Retry On Fail" after a first try that fails for every item', () => {
	const retryOnFail = { onError: 'continueRegularOutput', retryOnFail: true, maxTries: 2, waitBetweenTries: 1 } as const;
	const sizes = { fresh: 80, repeats: 15, existing: 6, notOnWhatsApp: 6, local: 12 };
	/** One retry per try: a 500 is retried within the try, so the first try needs two for each number to fail. */
	const oneRetry = { ...OPTIONS, maxRetries: 1 };

	it('before FlowIQ acted (500s, then random faults that never create): nothing lost, nothing created twice, no Duplicate of its own', async () => {
		const beforeOnly = RANDOM_FAULTS.filter((fault) => fault.kind !== 'slow').map((fault) => ({ ...fault, phase: 'before' }));
		const run = await faultRun(
			2,
			sizes,
			(leaders) => {
				// Each number's try is a 500 and its one retry a 500: the first try sends every number
				// exactly twice and fails it, taking all the queued 500s, whatever the concurrency.
				sandbox.failNext({ status: 500, phase: 'before' }, 2 * leaders);
				sandbox.configure({ ...LATENCY, faults: { seed: SEED, rate: FAULT_RATE, kinds: beforeOnly } });
			},
			retryOnFail,
			oneRetry,
		);
		expect(run.ownDuplicates).toEqual([]);
		// n8n ran the node twice: every number's first two attempts are the scripted 500s, then the second try's chain.
		expect(new Set(run.byPhone.keys())).toEqual(numbersToSend(run.plan));
		for (const [phone, tries] of run.byPhone) {
			expect({ phone, first: tries.slice(0, 2).map((attempt) => attempt.answer) }).toEqual({ phone, first: [500, 500] });
		}
		expectRetriesWithin(new Map([...run.byPhone].map(([phone, tries]) => [phone, tries.slice(2)])), RETRIED, oneRetry.maxRetries);
		expect(run.counts.created).toBeGreaterThan(0);
	}, 60_000);

	describe('after FlowIQ created the contacts but its answers were lost (500s after, retries off)', () => {
		let run: FaultRun;
		beforeAll(async () => {
			// Without retries the first try ends at each number's 500: every contact created, every item failed.
			run = await faultRun(3, sizes, (leaders) => sandbox.failNext({ status: 500, phase: 'after' }, leaders), retryOnFail, {
				...OPTIONS,
				maxRetries: 0,
			});
		}, 60_000);

		it('loses nothing, creates nothing twice, and reports no contact it created as a Duplicate', () => {
			expect(run.counts.failed).toBe(0);
			for (const tries of run.byPhone.values()) expect(tries[0].answer).toBe(500);
			// The second try meets a 409 for each; the node looks the contact up and finds it created
			// after its lost first try.
			expect(run.ownDuplicates).toEqual([]);
			expect(run.counts.created).toBeGreaterThanOrEqual(sizes.fresh);
		});
	});
});

describe('Cancelling the execution', () => {
	beforeEach(resetSandbox);

	it('stops sending new requests promptly and leaves none in flight', async () => {
		sandbox.configure({ latencyMs: 40 });
		const maxConcurrency = 4;
		const controller = new AbortController();
		let sentBeforeAbort = 0;
		let abortedAt = 0;
		// Abort mid-run: once requests flow (the engine first resolves every item's expressions).
		const watch = setInterval(() => {
			sentBeforeAbort = sandbox.stats().requests;
			if (sentBeforeAbort < 20) return;
			clearInterval(watch);
			abortedAt = performance.now();
			controller.abort();
		}, 5);

		const items = Array.from({ length: 300 }, (_, i) => ({ name: `Lead ${i}`, phone: `+27 84 4${String(i + 1).padStart(6, '0')}` }));
		await runFlowIq({ sandbox, items, options: { maxConcurrency, maxRetries: 3 }, abortSignal: controller.signal });
		clearInterval(watch);
		expect(abortedAt).toBeGreaterThan(0);
		// Without the cancel the other 280 contacts would take about 3 s more.
		expect(performance.now() - abortedAt).toBeLessThan(1500);
		await sleep(300);

		const stats = sandbox.stats();
		// At most the requests already on their way when the abort fired.
		expect(stats.requests - sentBeforeAbort).toBeLessThanOrEqual(maxConcurrency);
		expect(stats.inFlight).toBe(0);
	});

	it('wakes from a long Retry-After pause at once', async () => {
		sandbox.failNext({ status: 429, retryAfter: 30 });
		const controller = new AbortController();
		const running = runFlowIq({
			sandbox,
			items: Array.from({ length: 20 }, (_, i) => ({ name: `Lead ${i}`, phone: `+27 84 5${String(i + 1).padStart(6, '0')}` })),
			options: { maxConcurrency: 1 },
			abortSignal: controller.signal,
		});
		await untilStats(sandbox, (stats) => stats.byStatus[429] === 1, 'FlowIQ answers 429');
		await sleep(100); // the node has the 429, and waits
		const cancelledAt = performance.now();
		controller.abort();
		const { error } = await running;
		expect(performance.now() - cancelledAt).toBeLessThan(1500);
		expect(error?.message).toBe('The execution was cancelled before this contact was sent'); // in the wait, not in flight
		await sleep(200);
		expect(sandbox.stats().requests).toBe(1);
	});
});

describe('A revoked key under load', () => {
	beforeEach(resetSandbox);

	it('is never retried, and no contact starts after FlowIQ answered 401', async () => {
		const maxConcurrency = 8;
		// Faults before the key check, so some contacts retry before they meet the 401.
		const beforeAuth = [{ status: 502 }, { status: 503 }, { kind: 'drop' }].map((fault) => ({ ...fault, phase: 'before' }));
		sandbox.configure({ ...LATENCY, faults: { seed: SEED, rate: 0.3, kinds: beforeAuth } });
		const items = Array.from({ length: 200 }, (_, i) => ({ name: `Lead ${i}`, phone: `+27 84 6${String(i + 1).padStart(6, '0')}` }));

		const { outputs, error } = await runFlowIq({
			sandbox,
			items,
			options: { maxConcurrency, maxRetries: 3 },
			credentials: { apiKey: fixtures.KEYS.revoked, baseUrl: proxy.url },
			settings: { onError: 'continueErrorOutput' },
		});

		expect(error).toBeUndefined();
		expect(pairedIndexes(outputs)).toEqual([[], [], [], [...items.keys()]]);
		const byPhone = attemptsByPhone(proxy.attempts);
		expectRetriesWithin(byPhone, RETRIED, 3);
		const ended = [...byPhone.values()].map((tries) => tries.at(-1)!.answer);
		// Contacts that met the 401 were in flight when the first one came back; only a contact
		// that used up its retries before any 401 arrived frees a slot for another.
		expect(ended.filter((answer) => answer === 401).length).toBeLessThanOrEqual(maxConcurrency);
		expect(byPhone.size).toBeLessThanOrEqual(maxConcurrency + ended.filter((answer) => answer !== 401).length);
		expect(sandbox.stats().maxInFlight).toBeLessThanOrEqual(maxConcurrency);
	});
});
