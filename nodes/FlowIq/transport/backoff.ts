/** Waits longer than this are cut short: a workflow should not sit idle for minutes on one hint. */
export const MAX_RETRY_WAIT_MS = 60_000;
const BASE_DELAY_MS = 500;

/**
 * Exponential backoff with full jitter: a random wait between 0 and `base * 2^attempt`, capped.
 * Jitter spreads retries from many parallel requests so they do not hit FlowIQ in one burst.
 * `attempt` is 0 for the first retry.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
	const ceiling = Math.min(MAX_RETRY_WAIT_MS, BASE_DELAY_MS * 2 ** attempt);
	return Math.floor(random() * ceiling);
}

/**
 * Reads a `Retry-After` header, in seconds or as an HTTP date, as milliseconds from `now`.
 * `undefined` when absent or unreadable, so the caller falls back to its own backoff.
 */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
	const header = Array.isArray(value) ? value[0] : value;
	if (typeof header !== 'string' && typeof header !== 'number') return undefined;
	const text = String(header).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	// An HTTP date always names its weekday and month: do not let Date.parse read "-1" as a year.
	const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The wait before retry `attempt`: FlowIQ's hint when it gave one, else backoff; never above the cap. */
export function retryDelay(
	attempt: number,
	retryAfterHeader: unknown,
	random: () => number = Math.random,
	now: number = Date.now(),
): number {
	const hinted = parseRetryAfter(retryAfterHeader, now);
	return Math.min(MAX_RETRY_WAIT_MS, hinted ?? backoffDelay(attempt, random));
}
