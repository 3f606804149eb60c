/** Never pace slower than this: a run must always make progress. */
const MIN_RATE = 1;

/**
 * Spaces request starts once FlowIQ has answered 429, so a run settles just under FlowIQ's rate
 * limit instead of bursting into it, pausing, and bursting again.
 *
 * After the first 429 the pace is what FlowIQ accepted in the second before it (less 5 %). Each
 * further 429 lowers it by 10 % (once a second at most: requests in flight all hit the same
 * limit); each 2 s without one raises it by 5 % (at least 1/s), to find the limit again without
 * overshooting it by much.
 */
export class RatePacer {
	private rate: number | undefined;
	private nextStart = 0;
	private lastChange = 0;
	private readonly accepted: number[] = [];

	constructor(private readonly now: () => number = Date.now) {}

	/** Requests per second now, or `undefined` while FlowIQ has not asked to slow down. */
	currentRate(): number | undefined {
		return this.rate;
	}

	/** Milliseconds until the next request may start; the caller then starts it. */
	reserve(): number {
		if (this.rate === undefined) return 0;
		const now = this.now();
		if (now - this.lastChange >= 2000) {
			this.rate += Math.max(1, this.rate * 0.05);
			this.lastChange = now;
		}
		const start = Math.max(now, this.nextStart);
		this.nextStart = start + 1000 / this.rate;
		return start - now;
	}

	/** FlowIQ took a request (any answer but 429). */
	recordAccepted() {
		const now = this.now();
		this.accepted.push(now);
		while (this.accepted.length && this.accepted[0] <= now - 1000) this.accepted.shift();
	}

	recordRateLimited() {
		const now = this.now();
		if (this.rate !== undefined && now - this.lastChange < 1000) return;
		while (this.accepted.length && this.accepted[0] <= now - 1000) this.accepted.shift();
		this.rate = Math.max(MIN_RATE, this.rate === undefined ? this.accepted.length * 0.95 : this.rate * 0.9);
		this.lastChange = now;
	}
}
