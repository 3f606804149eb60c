import { RunMemory } from '../../nodes/FlowIq/helpers/runMemory';

describe('RunMemory', () => {
	it('keeps what one run created for the next try of the same run', () => {
		const memory = new RunMemory();
		memory.createdIn('exec-1:FlowIQ').set('+27123456789', { id: 'c1' });
		expect(memory.createdIn('exec-1:FlowIQ').get('+27123456789')).toEqual({ id: 'c1' });
		expect(memory.createdIn('exec-2:FlowIQ').size).toBe(0);
	});

	it('forgets the least recently used runs beyond its bound', () => {
		const memory = new RunMemory(2);
		memory.createdIn('a').set('+1', {});
		memory.createdIn('b').set('+1', {});
		memory.createdIn('a');
		memory.createdIn('c');
		expect(memory.createdIn('a').size).toBe(1);
		expect(memory.createdIn('b').size).toBe(0);
	});

	it('forgets runs older than its age limit', () => {
		let now = 0;
		const memory = new RunMemory(10, 1000, () => now);
		memory.createdIn('a').set('+1', {});
		now = 5000;
		memory.createdIn('other');
		expect(memory.createdIn('a').size).toBe(0);
	});
});
