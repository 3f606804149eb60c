/** Never pace slower than this: a run must always make progress. */
const MIN_RATE = 1;
/** How long without a 429 before the pace is raised. */
const PROBE_INTERVAL_MS = 2000;
/** The first raise after a 429; each further raise in a row doubles it, up to the cap. */
const FIRST_RAISE = 0.05;
const MAX_RAISE = 0.5;
/** Weight of the newest answer in the running mean of answer times. */
const LATENCY_WEIGHT = 0.2;

/**
 * Spaces request starts once FlowIQ has answered 429, so a run settles just under FlowIQ's rate
 * limit instead of bursting into it, pausing, and bursting again.
 *
 * After the first 429 the pace is what FlowIQ accepted in the second before it (less 5 %). A run
 * turned away before FlowIQ accepted even one round of Max Concurrency requests has no such
 * measure: it starts at half of what Max Concurrency carries at the answer times seen so far.
 * Each further 429 lowers the pace by 10 % (once a second at most: requests in flight all hit the
 * same limit). Each 2 s without one raises it, by 5 % (at least 1/s) and then by twice as much
 * each time in a row up to 50 %: close to the limit it creeps, far below it it climbs back fast.
 */
export class RatePacer {
	private rate: number | undefined;
	private nextStart = 0;
	private lastChange = 0;
	private raisesInARow = 0;
	private meanLatencyMs: number | undefined;
	private readonly accepted: number[] = [];

	constructor(
		private readonly maxConcurrency: number,
		private readonly now: () => number = Date.now,
	) {}

	/** Requests per second now, or `undefined` while FlowIQ has not asked to slow down. */
	currentRate(): number | undefined {
		return this.rate;
	}

	/** Milliseconds until the next request may start; the caller then starts it. */
	reserve(): number {
		if (this.rate === undefined) return 0;
		const now = this.now();
		if (now - this.lastChange >= PROBE_INTERVAL_MS) {
			const raise = Math.min(MAX_RAISE, FIRST_RAISE * 2 ** this.raisesInARow++);
			this.rate += Math.max(1, this.rate * raise);
			this.lastChange = now;
		}
		const start = Math.max(now, this.nextStart);
		this.nextStart = start + 1000 / this.rate;
		return start - now;
	}

	/** FlowIQ took a request (any answer but 429) after `latencyMs`. */
	recordAccepted(latencyMs: number) {
		this.recordLatency(latencyMs);
		const now = this.now();
		this.accepted.push(now);
		this.forgetOlderThanASecond(now);
	}

	/** FlowIQ answered 429 after `latencyMs`. */
	recordRateLimited(latencyMs: number) {
		this.recordLatency(latencyMs);
		const now = this.now();
		if (this.rate !== undefined && now - this.lastChange < 1000) return;
		this.forgetOlderThanASecond(now);
		this.rate = Math.max(MIN_RATE, this.rate === undefined ? this.firstRate() : this.rate * 0.9);
		this.lastChange = now;
		this.raisesInARow = 0;
	}

	private firstRate(): number {
		if (this.accepted.length >= this.maxConcurrency) return this.accepted.length * 0.95;
		const perRequestMs = Math.max(1, this.meanLatencyMs ?? 1000);
		return ((this.maxConcurrency * 1000) / perRequestMs) * 0.5;
	}

	private recordLatency(latencyMs: number) {
		this.meanLatencyMs =
			this.meanLatencyMs === undefined ? latencyMs : this.meanLatencyMs + LATENCY_WEIGHT * (latencyMs - this.meanLatencyMs);
	}

	private forgetOlderThanASecond(now: number) {
		while (this.accepted.length && this.accepted[0] <= now - 1000) this.accepted.shift();
	}
}
