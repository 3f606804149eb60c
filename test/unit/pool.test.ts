import { runPool } from '../../nodes/FlowIq/helpers/pool';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runPool', () => {
	it('runs every task once with no more than the limit at a time', async () => {
		let running = 0;
		let most = 0;
		const seen: number[] = [];
		await runPool([...Array(20).keys()], () => 3, async (task) => {
			running++;
			most = Math.max(most, running);
			await tick(task % 3);
			seen.push(task);
			running--;
		});
		expect(seen.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
		expect(most).toBe(3);
	});

	it('follows a limit that changes while it runs', async () => {
		let limit = 4;
		let running = 0;
		const concurrencyAtStart: number[] = [];
		await runPool([...Array(12).keys()], () => limit, async (task) => {
			running++;
			concurrencyAtStart.push(running);
			if (task === 3) limit = 1;
			await tick(2);
			running--;
		});
		expect(Math.max(...concurrencyAtStart.slice(0, 4))).toBe(4);
		expect(Math.max(...concurrencyAtStart.slice(8))).toBe(1);
	});

	it('resolves at once for no tasks', async () => {
		await expect(runPool([], () => 5, async () => undefined)).resolves.toBeUndefined();
	});
});
