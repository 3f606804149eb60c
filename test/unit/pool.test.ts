import { runPool } from '../../nodes/FlowIq/transport/pool';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runPool', () => {
	it('runs every task once with no more than the limit at a time', async () => {
		let running = 0;
		let most = 0;
		const seen: number[] = [];
		await runPool([...Array(20).keys()], 3, async (task) => {
			running++;
			most = Math.max(most, running);
			await tick(task % 3);
			seen.push(task);
			running--;
		});
		expect(seen.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
		expect(most).toBe(3);
	});

	it('pulls a task from a generator only when a slot is free', async () => {
		const events: string[] = [];
		function* tasks() {
			for (let task = 0; task < 4; task++) {
				events.push(`prepare ${task}`);
				yield task;
			}
		}
		await runPool(tasks(), 2, async (task) => {
			events.push(`start ${task}`);
			await tick(5);
		});
		expect(events.slice(0, 4)).toEqual(['prepare 0', 'start 0', 'prepare 1', 'start 1']);
		expect(events).toHaveLength(8);
	});

	it('stops pulling and rejects when preparing a task throws, after the running ones settle', async () => {
		const finished: number[] = [];
		function* tasks() {
			yield 0;
			yield 1;
			throw new Error('bad parameter');
		}
		await expect(
			runPool(tasks(), 5, async (task) => {
				await tick(5);
				finished.push(task);
			}),
		).rejects.toThrow('bad parameter');
		expect(finished.sort()).toEqual([0, 1]);
	});

	it('resolves at once for no tasks', async () => {
		await expect(runPool([], 5, async () => undefined)).resolves.toBeUndefined();
	});
});
