/**
 * Runs `work` for every task with at most `limit()` running at once, and resolves when all have
 * settled. `limit` is read each time a slot frees up, so the caller can narrow or widen it while
 * the pool runs (the transport narrows it when FlowIQ answers 429). `work` must not throw: it
 * records its own outcome.
 */
export async function runPool<T>(
	tasks: readonly T[],
	limit: () => number,
	work: (task: T) => Promise<void>,
): Promise<void> {
	let next = 0;
	let running = 0;
	await new Promise<void>((resolve) => {
		const fill = () => {
			if (next >= tasks.length && running === 0) {
				resolve();
				return;
			}
			while (next < tasks.length && running < Math.max(1, limit())) {
				const task = tasks[next++];
				running++;
				void work(task).finally(() => {
					running--;
					fill();
				});
			}
		};
		fill();
	});
}
