import { RatePacer } from '../../nodes/FlowIq/transport/pacer';

const LATENCY_MS = 50;

function pacerAt({ maxConcurrency = 5, start = 10_000 } = {}) {
	const clock = { now: start };
	return { clock, pacer: new RatePacer(maxConcurrency, () => clock.now) };
}

describe('RatePacer', () => {
	it('does not pace until FlowIQ answers 429', () => {
		const { pacer } = pacerAt();
		expect(pacer.reserve()).toBe(0);
		expect(pacer.reserve()).toBe(0);
		expect(pacer.currentRate()).toBeUndefined();
	});

	it('paces at 95 % of what FlowIQ accepted in the second before the 429', () => {
		const { clock, pacer } = pacerAt();
		for (let i = 0; i < 40; i++) {
			clock.now += 20;
			pacer.recordAccepted(LATENCY_MS);
		}
		pacer.recordRateLimited(LATENCY_MS);
		expect(pacer.currentRate()).toBe(38);
		const waits = [pacer.reserve(), pacer.reserve(), pacer.reserve()];
		expect(waits.map(Math.round)).toEqual([0, 26, 53]);
	});

	it('starts a run turned away at once from what Max Concurrency carries at the answer times seen', () => {
		const { pacer } = pacerAt({ maxConcurrency: 5 });
		pacer.recordRateLimited(10); // the very first answer: 5 in flight at 10 ms each carry 500/s
		expect(pacer.currentRate()).toBe(250);
	});

	it('uses that estimate while FlowIQ has accepted less than one round of Max Concurrency requests', () => {
		const { pacer } = pacerAt({ maxConcurrency: 8 });
		for (let i = 0; i < 7; i++) pacer.recordAccepted(100);
		pacer.recordRateLimited(100);
		expect(pacer.currentRate()).toBe(40);
	});

	it('lowers the pace once per second however many requests hit the limit together', () => {
		const { clock, pacer } = pacerAt();
		for (let i = 0; i < 20; i++) pacer.recordAccepted(LATENCY_MS);
		pacer.recordRateLimited(LATENCY_MS);
		pacer.recordRateLimited(LATENCY_MS);
		pacer.recordRateLimited(LATENCY_MS);
		expect(pacer.currentRate()).toBe(19);
		clock.now += 1000;
		pacer.recordRateLimited(LATENCY_MS);
		expect(pacer.currentRate()).toBeCloseTo(17.1);
	});

	it('never goes below 1 per second, and adds at least 1 per second when it raises', () => {
		const { clock, pacer } = pacerAt({ maxConcurrency: 1 });
		pacer.recordRateLimited(5000); // 1 request in flight at 5 s each: 0.2/s, half of it 0.1/s
		expect(pacer.currentRate()).toBe(1);
		clock.now += 2000;
		pacer.reserve();
		expect(pacer.currentRate()).toBe(2);
	});

	it('raises a pace near the limit by 5 %, then by twice as much each time in a row, up to 50 %', () => {
		const { clock, pacer } = pacerAt();
		for (let i = 0; i < 40; i++) pacer.recordAccepted(LATENCY_MS);
		pacer.recordRateLimited(LATENCY_MS);
		clock.now += 1999;
		pacer.reserve();
		expect(pacer.currentRate()).toBe(38);
		const rates = [];
		for (let raise = 0; raise < 6; raise++) {
			clock.now += 2000;
			pacer.reserve();
			rates.push(Math.round(pacer.currentRate()! * 10) / 10);
		}
		// +5 %, +10 %, +20 %, +40 %, +50 %, +50 %
		expect(rates).toEqual([39.9, 43.9, 52.7, 73.7, 110.6, 165.9]);
	});

	it('raises by 5 % again after a 429 ends a run of raises', () => {
		const { clock, pacer } = pacerAt();
		for (let i = 0; i < 40; i++) pacer.recordAccepted(LATENCY_MS);
		pacer.recordRateLimited(LATENCY_MS);
		for (let raise = 0; raise < 3; raise++) {
			clock.now += 2000;
			pacer.reserve();
		}
		clock.now += 1000;
		pacer.recordRateLimited(LATENCY_MS);
		const lowered = pacer.currentRate()!;
		clock.now += 2000;
		pacer.reserve();
		expect(pacer.currentRate()).toBeCloseTo(lowered * 1.05);
	});

	it('forgets answers older than a second', () => {
		const { clock, pacer } = pacerAt();
		for (let i = 0; i < 30; i++) pacer.recordAccepted(LATENCY_MS);
		clock.now += 1500;
		for (let i = 0; i < 10; i++) pacer.recordAccepted(LATENCY_MS);
		pacer.recordRateLimited(LATENCY_MS);
		expect(pacer.currentRate()).toBe(9.5);
	});
});
