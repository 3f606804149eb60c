import { RunMemory } from '../../nodes/FlowIq/helpers/runMemory';

describe('RunMemory', () => {
	it('keeps what one run created for the next try of the same run', () => {
		const memory = new RunMemory();
		memory.recordFor('exec-1:FlowIQ').created.set('+27123456789', { id: 'c1' });
		expect(memory.recordFor('exec-1:FlowIQ').created.get('+27123456789')).toEqual({ id: 'c1' });
		expect(memory.recordFor('exec-2:FlowIQ').created.size).toBe(0);
	});

	it('keeps the numbers whose answer was lost', () => {
		const memory = new RunMemory();
		memory.recordFor('exec-1:FlowIQ').uncertain.set('+27123456789', 1000);
		expect(memory.recordFor('exec-1:FlowIQ').uncertain.has('+27123456789')).toBe(true);
	});

	it('forgets the least recently used runs beyond its bound', () => {
		const memory = new RunMemory(2);
		memory.recordFor('a').created.set('+1', {});
		memory.recordFor('b').created.set('+1', {});
		memory.recordFor('a');
		memory.recordFor('c');
		expect(memory.recordFor('a').created.size).toBe(1);
		expect(memory.recordFor('b').created.size).toBe(0);
	});

	it('forgets runs older than its age limit', () => {
		let now = 0;
		const memory = new RunMemory(10, 1000, () => now);
		memory.recordFor('a').created.set('+1', {});
		now = 5000;
		memory.recordFor('other');
		expect(memory.recordFor('a').created.size).toBe(0);
	});
});
