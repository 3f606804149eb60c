import { backoffDelay, MAX_RETRY_WAIT_MS, parseRetryAfter, retryDelay } from '../../nodes/FlowIq/transport/backoff';

describe('backoffDelay', () => {
	it('doubles its ceiling with each attempt', () => {
		const almostOne = () => 0.999999;
		expect(backoffDelay(0, almostOne)).toBe(499);
		expect(backoffDelay(1, almostOne)).toBe(999);
		expect(backoffDelay(3, almostOne)).toBe(3999);
	});

	it('draws the whole range down to zero (full jitter)', () => {
		expect(backoffDelay(5, () => 0)).toBe(0);
		expect(backoffDelay(5, () => 0.5)).toBe(8000);
	});

	it('never exceeds the cap', () => {
		expect(backoffDelay(30, () => 0.999999)).toBeLessThan(MAX_RETRY_WAIT_MS);
	});
});

describe('parseRetryAfter', () => {
	const now = Date.parse('2026-11-25T10:00:00Z');

	it('reads seconds', () => {
		expect(parseRetryAfter('2', now)).toBe(2000);
		expect(parseRetryAfter(' 0 ', now)).toBe(0);
		expect(parseRetryAfter('1.5', now)).toBe(1500);
		expect(parseRetryAfter(['3'], now)).toBe(3000);
	});

	it('reads an HTTP date', () => {
		expect(parseRetryAfter('Wed, 25 Nov 2026 10:00:05 GMT', now)).toBe(5000);
	});

	it('treats a date in the past as no wait', () => {
		expect(parseRetryAfter('Wed, 25 Nov 2026 09:59:00 GMT', now)).toBe(0);
	});

	it.each([[undefined], [''], ['soon'], [{}], ['-1']])('ignores %p', (value) => {
		expect(parseRetryAfter(value, now)).toBeUndefined();
	});
});

describe('retryDelay', () => {
	it('prefers FlowIQ’s hint over backoff', () => {
		expect(retryDelay(0, '4', () => 0)).toBe(4000);
	});

	it('falls back to backoff without a hint', () => {
		expect(retryDelay(2, undefined, () => 0.5)).toBe(1000);
	});

	it('caps long hints', () => {
		expect(retryDelay(0, '3600')).toBe(MAX_RETRY_WAIT_MS);
	});
});
