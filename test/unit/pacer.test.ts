import { RatePacer } from '../../nodes/FlowIq/helpers/pacer';

function pacerAt(start = 10_000) {
	const clock = { now: start };
	return { clock, pacer: new RatePacer(() => clock.now) };
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
			pacer.recordAccepted();
		}
		pacer.recordRateLimited();
		expect(pacer.currentRate()).toBe(38);
		const waits = [pacer.reserve(), pacer.reserve(), pacer.reserve()];
		expect(waits.map(Math.round)).toEqual([0, 26, 53]);
	});

	it('lowers the pace once per second however many requests hit the limit together', () => {
		const { clock, pacer } = pacerAt();
		for (let i = 0; i < 20; i++) pacer.recordAccepted();
		pacer.recordRateLimited();
		pacer.recordRateLimited();
		pacer.recordRateLimited();
		expect(pacer.currentRate()).toBe(19);
		clock.now += 1000;
		pacer.recordRateLimited();
		expect(pacer.currentRate()).toBeCloseTo(17.1);
	});

	it('raises the pace after 2 s without a 429, and never goes below 1 per second', () => {
		const { clock, pacer } = pacerAt();
		pacer.recordRateLimited();
		expect(pacer.currentRate()).toBe(1);
		clock.now += 2000;
		pacer.reserve();
		expect(pacer.currentRate()).toBe(2);
	});

	it('raises a high pace by 5 % at a time', () => {
		const { clock, pacer } = pacerAt();
		for (let i = 0; i < 40; i++) pacer.recordAccepted();
		pacer.recordRateLimited();
		clock.now += 1999;
		pacer.reserve();
		expect(pacer.currentRate()).toBe(38);
		clock.now += 1;
		pacer.reserve();
		expect(pacer.currentRate()).toBeCloseTo(39.9);
	});

	it('forgets answers older than a second', () => {
		const { clock, pacer } = pacerAt();
		for (let i = 0; i < 30; i++) pacer.recordAccepted();
		clock.now += 1500;
		for (let i = 0; i < 10; i++) pacer.recordAccepted();
		pacer.recordRateLimited();
		expect(pacer.currentRate()).toBe(9.5);
	});
});
