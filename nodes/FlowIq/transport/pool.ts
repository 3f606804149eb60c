/**
 * Runs `work` for every task with at most `limit` running at once, and resolves when all have
 * settled. Tasks are pulled from `tasks` only when a slot is free, so a generator that prepares
 * each task overlaps that work with the requests already in flight. If pulling a task throws, no
 * new task starts and the pool rejects with that error once the running ones have settled.
 * `work` must not throw: it records its own outcome.
 */
export async function runPool<T>(
	tasks: Iterable<T>,
	limit: number,
	work: (task: T) => Promise<void>,
): Promise<void> {
	const iterator = tasks[Symbol.iterator]();
	let running = 0;
	let exhausted = false;
	let failure: { error: unknown } | undefined;
	await new Promise<void>((resolve) => {
		const fill = () => {
			while (!exhausted && !failure && running < Math.max(1, limit)) {
				let next: IteratorResult<T>;
				try {
					next = iterator.next();
				} catch (error) {
					failure = { error };
					break;
				}
				if (next.done) {
					exhausted = true;
					break;
				}
				running++;
				void work(next.value).finally(() => {
					running--;
					fill();
				});
			}
			if (running === 0 && (exhausted || failure)) resolve();
		};
		fill();
	});
	if (failure) throw failure.error;
}
