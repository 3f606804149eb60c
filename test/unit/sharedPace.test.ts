import { holdPace } from '../../nodes/FlowIq/transport/sharedPace';

describe('holdPace', () => {
	it('gives runs of one account at the same time one pace, and other accounts their own', () => {
		const first = holdPace('https://api.flowiq.live', 'fiq_a', 5);
		const second = holdPace('https://api.flowiq.live', 'fiq_a', 5);
		const otherKey = holdPace('https://api.flowiq.live', 'fiq_b', 5);
		const otherUrl = holdPace('http://127.0.0.1:9', 'fiq_a', 5);
		expect(second.pace).toBe(first.pace);
		expect(otherKey.pace).not.toBe(first.pace);
		expect(otherUrl.pace).not.toBe(first.pace);
		for (const held of [first, second, otherKey, otherUrl]) held.release();
	});

	it('keeps the pace while any run holds it', () => {
		const first = holdPace('https://api.flowiq.live', 'fiq_c', 5);
		const second = holdPace('https://api.flowiq.live', 'fiq_c', 5);
		first.release();
		first.release(); // a second release of the same hold changes nothing
		const third = holdPace('https://api.flowiq.live', 'fiq_c', 5);
		expect(third.pace).toBe(second.pace);
		second.release();
		third.release();
	});

	it('starts a later run afresh once every earlier run let go', () => {
		const earlier = holdPace('https://api.flowiq.live', 'fiq_d', 5);
		earlier.pace.pausedUntil = 42;
		earlier.release();
		const later = holdPace('https://api.flowiq.live', 'fiq_d', 5);
		expect(later.pace).not.toBe(earlier.pace);
		expect(later.pace.pausedUntil).toBe(0);
		later.release();
	});
});
