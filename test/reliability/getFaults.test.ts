/**
 * Contact → Get under faults: a shuffled mix of known, unknown, repeated and broken numbers while
 * the sandbox answers the look-ups at random (seeded): GET /contact on the current FlowIQ, and
 * find-by-phone on GET /conversations on the older revision that has no GET /contact. Every item
 * must end Found (with its contact), Not Found (with its reason) or failed, items with the same
 * number alike, and each distinct number must be looked up once (its retries aside).
 */
import type { IDataObject } from 'n8n-workflow';

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
	type RecordingProxy,
} from './faultKit';

const { mulberry32 } = require('../../sandbox/server');

const SEED = 3132;
const FAULT_RATE = 0.2;
const RETRY_AFTER_S = 1;
const LATENCY = { latencyMs: 5, latencyJitterMs: 10 };
const OPTIONS = { maxConcurrency: 8, maxRetries: 5, timeout: 1000, defaultCountry: 'ZA' };
const ENGINE_OVERHEAD_MS = 3000;

const FOUND = 0;
const NOT_FOUND = 1;
const ERROR = 2;

const READ_FAULTS = [
	{ status: 429, retryAfter: RETRY_AFTER_S },
	{ status: 500 },
	{ status: 502 },
	{ status: 503 },
	{ status: 504 },
	{ kind: 'drop' },
	{ kind: 'slow', delayMs: 1500 },
];
/** Answers the transport retries for a look-up (RETRY_WHEN_HARMLESS). */
const RETRIED: ReadonlySet<Answer> = new Set<Answer>([429, 500, 502, 503, 504, 'dropped', 'timed out']);

const GET = { resource: 'contact', operation: 'get', phoneNumber: '={{ $json.phone }}' };

interface PlannedLookup {
	phone: string;
	/** The digits FlowIQ is asked for; none for a number the node refuses itself. */
	whatsappId?: string;
	/** The contact's ID when FlowIQ has one for the number. */
	contactId?: string;
	reason?: 'invalid_phone' | 'missing_phone';
}

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
 * 150 contacts as typed in a spreadsheet, a third of them twice in another format, 30 numbers
 * FlowIQ does not know (five of them twice), and numbers the node refuses itself; shuffled.
 */
function planLookups(random: () => number): PlannedLookup[] {
	sandbox.seedContacts('acme', 150, 'Lookup');
	const contacts = (sandbox.contacts('acme') as Array<{ id: string; whatsapp_id: string }>).slice(2);
	const national = (id: string) => `0${id.slice(2, 4)} ${id.slice(4, 7)} ${id.slice(7)}`;
	const known = contacts.map(({ id, whatsapp_id: whatsappId }) => ({ phone: `+${whatsappId}`, whatsappId, contactId: id }));
	const again = contacts.filter((_, i) => i % 3 === 0).map(({ id, whatsapp_id: whatsappId }, i) => ({
		phone: i % 2 ? national(whatsappId) : `00${whatsappId}`,
		whatsappId,
		contactId: id,
	}));
	const unknown = Array.from({ length: 30 }, (_, i) => `2771555${String(i + 1).padStart(4, '0')}`).map((whatsappId) => ({ phone: `+${whatsappId}`, whatsappId }));
	const broken: PlannedLookup[] = [
		{ phone: 'call me', reason: 'invalid_phone' },
		{ phone: '', reason: 'missing_phone' },
		{ phone: '+27 82 123', reason: 'invalid_phone' },
		{ phone: '+27 82 123 4567 ext. 2', reason: 'invalid_phone' },
	];
	const plan = [...known, ...again, ...unknown, ...unknown.slice(0, 5), ...broken];
	for (let i = plan.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[plan[i], plan[j]] = [plan[j], plan[i]];
	}
	return plan;
}

/** The number each look-up asked for, on either route. */
const lookedUp = (attempt: Attempt) =>
	attempt.path === '/contact' ? attempt.query.get('whatsapp_id') ?? undefined : attempt.query.get('whatsappNumber') ?? undefined;

interface GetRun {
	plan: PlannedLookup[];
	placed: Array<{ output: number; json: IDataObject }>;
	/** Each number's look-ups on the route the run ended up using. */
	chains: Map<string, Attempt[]>;
	/** GET /contact attempts of a run on the older revision, which has no such route. */
	missingRouteAttempts: Attempt[];
	attempts: Attempt[];
	stats: ReturnType<typeof sandbox.stats>;
	injected: Record<string, number>;
	phases: Record<string, number>;
	elapsed: number;
	bound: number;
}

async function getRun(revision: 'current' | 'older', seed: number): Promise<GetRun> {
	sandbox.configure({ faults: null, latencyMs: 0, latencyJitterMs: 0, revision: 'current' });
	sandbox.reset();
	const plan = planLookups(mulberry32(seed));
	proxy.clear();
	sandboxLog.length = 0;
	const route = revision === 'current' ? 'GET /contact' : 'GET /conversations';
	sandbox.configure({ ...LATENCY, revision, faults: { seed, rate: FAULT_RATE, kinds: READ_FAULTS, routes: [route] } });

	const started = performance.now();
	const { outputs, error } = await runFlowIq({
		sandbox,
		items: plan.map(({ phone }) => ({ phone })),
		parameters: GET,
		options: OPTIONS,
		credentials: { baseUrl: proxy.url },
		settings: { onError: 'continueErrorOutput' },
	});
	const elapsed = Math.round(performance.now() - started);
	sandbox.configure({ revision: 'current' });
	expect(error).toBeUndefined();
	expect(outputs).toHaveLength(3);

	const placed: GetRun['placed'] = new Array(plan.length);
	pairedIndexes(outputs).forEach((indexes, output) =>
		indexes.forEach((index, position) => {
			expect({ index, twice: placed[index] !== undefined }).toEqual({ index, twice: false });
			placed[index] = { output, json: outputs[output][position].json };
		}),
	);
	expect(placed.filter(Boolean)).toHaveLength(plan.length);

	const attempts = [...proxy.attempts];
	const onRoute = (attempt: Attempt) => (revision === 'current' ? attempt.path === '/contact' : attempt.path === '/conversations');
	const chains = chainsBy(attempts, (attempt) => (onRoute(attempt) ? lookedUp(attempt) : undefined));
	return {
		plan,
		placed,
		chains,
		missingRouteAttempts: revision === 'older' ? attempts.filter((attempt) => attempt.path === '/contact') : [],
		attempts,
		stats: sandbox.stats(),
		injected: countAnswers(attempts, (answer) => !RETRIED.has(answer)),
		phases: countLoggedFaults(sandboxLog),
		elapsed,
		bound: timeBound(chains.values(), {
			timeout: OPTIONS.timeout,
			latencyMs: LATENCY.latencyMs + LATENCY.latencyJitterMs,
			retryAfterS: RETRY_AFTER_S,
			// The older revision's GET /contact 404s come on top, one per slot at most.
			engineOverheadMs: ENGINE_OVERHEAD_MS + OPTIONS.maxConcurrency * 50,
		}),
	};
}

function describeGetChecks(getTheRun: () => GetRun) {
	it('routes every item to Found with its contact, to Not Found with its reason, or to the error output', () => {
		const { plan, placed } = getTheRun();
		const counts = { found: 0, notFound: 0, failed: 0 };
		plan.forEach((planned, index) => {
			const { output, json } = placed[index];
			const where = { index, phone: planned.phone };
			if (planned.reason) {
				// Refused before any request: never an error, whatever FlowIQ answered others.
				expect({ ...where, output, reason: json.reason }).toEqual({ ...where, output: NOT_FOUND, reason: planned.reason });
				counts.notFound++;
			} else if (output === ERROR) {
				expect({ ...where, error: typeof json.error }).toEqual({ ...where, error: 'string' });
				counts.failed++;
			} else if (planned.contactId) {
				expect({ ...where, output, id: json.id }).toEqual({ ...where, output: FOUND, id: planned.contactId });
				counts.found++;
			} else {
				expect({ ...where, output, reason: json.reason }).toEqual({ ...where, output: NOT_FOUND, reason: 'not_found' });
				counts.notFound++;
			}
		});
		expect(counts.found).toBeGreaterThan(0);
	});

	it('gives items with the same number the same outcome', () => {
		const { plan, placed } = getTheRun();
		const first = new Map<string, number>();
		plan.forEach(({ whatsappId }, index) => {
			if (!whatsappId) return;
			const leader = first.get(whatsappId);
			if (leader === undefined) return void first.set(whatsappId, index);
			const outcome = (i: number) => ({ output: placed[i].output, id: placed[i].json.id, error: placed[i].json.error });
			expect({ index, whatsappId, ...outcome(index) }).toEqual({ index, whatsappId, ...outcome(leader) });
		});
	});

	it('looks each distinct number up once, retrying only what reads may retry', () => {
		const { plan, chains } = getTheRun();
		const distinct = new Set(plan.map(({ whatsappId }) => whatsappId).filter(Boolean));
		expect(new Set(chains.keys())).toEqual(distinct);
		for (const [whatsappId, tries] of chains) {
			const answered = tries.filter((attempt) => attempt.answer === 200 || attempt.answer === 404).length;
			expect({ whatsappId, answeredAtMostOnce: answered <= 1 }).toEqual({ whatsappId, answeredAtMostOnce: true });
		}
		expectRetriesWithin(chains, RETRIED, OPTIONS.maxRetries);
	});

	it('never has more than Max Concurrency look-ups in flight, and ends within its time bound', () => {
		const run = getTheRun();
		expect(run.stats.maxInFlight).toBeLessThanOrEqual(OPTIONS.maxConcurrency);
		expect(run.elapsed).toBeLessThanOrEqual(run.bound);
	});

	it('met faults of every kind', () => {
		const { injected } = getTheRun();
		for (const label of ['429 Retry-After seconds', '500', '502', '503', '504', 'dropped', 'timed out']) {
			expect({ label, seen: (injected[label] ?? 0) > 0 }).toEqual({ label, seen: true });
		}
	});
}

function report(name: string, run: GetRun) {
	const outcomes = run.placed.reduce<Record<string, number>>((counts, { output }) => {
		const label = ['found', 'notFound', 'failed'][output];
		return { ...counts, [label]: (counts[label] ?? 0) + 1 };
	}, {});
	console.log(
		`${name}: ${run.plan.length} items, ${run.chains.size} numbers looked up in ${run.attempts.length} requests; ` +
			`faults ${JSON.stringify(run.injected)}; by phase ${JSON.stringify(run.phases)}; outcomes ${JSON.stringify(outcomes)}; ` +
			`${run.elapsed} ms (bound ${run.bound} ms); max in flight ${run.stats.maxInFlight}`,
	);
}

describe('Contact → Get under random faults on GET /contact', () => {
	let run: GetRun;
	beforeAll(async () => {
		run = await getRun('current', SEED);
		report('Get fault run', run);
	}, 120_000);

	describeGetChecks(() => run);
});

describe('Contact → Get on the older FlowIQ (no GET /contact) under random faults on find-by-phone', () => {
	let run: GetRun;
	beforeAll(async () => {
		run = await getRun('older', SEED + 1);
		report('Get fault run (older revision)', run);
	}, 120_000);

	describeGetChecks(() => run);

	it('asked GET /contact only until it learned the route is missing: once per slot at most', () => {
		expect(run.missingRouteAttempts.length).toBeGreaterThan(0);
		expect(run.missingRouteAttempts.length).toBeLessThanOrEqual(OPTIONS.maxConcurrency);
		expect(run.missingRouteAttempts.map((attempt) => attempt.answer)).toEqual(run.missingRouteAttempts.map(() => 404));
	});
});
