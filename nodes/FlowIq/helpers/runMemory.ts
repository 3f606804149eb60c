import type { IDataObject } from 'n8n-workflow';

/** What one execution of one node has learned about the numbers it sent. */
export interface RunRecord {
	/** Contacts created, by E.164 phone number. */
	created: Map<string, IDataObject>;
	/** Numbers whose request may have reached FlowIQ but whose answer was lost, with when it was sent. */
	uncertain: Map<string, number>;
}

/**
 * Remembers, per execution and node and for a while, what earlier tries of the node learned.
 *
 * n8n's "Retry On Fail" runs the whole node again for every item. Without this memory, a contact
 * created by the first try would come back as a 409 on the second and land on Duplicate. Retries
 * happen inside the same process and execution, so an in-process map is enough; it is bounded so
 * that a long-lived n8n does not grow.
 */
export class RunMemory {
	private readonly runs = new Map<string, RunRecord & { touchedAt: number }>();

	constructor(
		private readonly maxRuns = 20,
		private readonly maxAgeMs = 60 * 60 * 1000,
		private readonly now: () => number = Date.now,
	) {}

	recordFor(runKey: string): RunRecord {
		const run = this.runs.get(runKey) ?? { touchedAt: 0, created: new Map(), uncertain: new Map<string, number>() };
		this.runs.delete(runKey);
		this.forgetOld();
		run.touchedAt = this.now();
		// Re-inserting keeps the map in least-recently-used order.
		this.runs.set(runKey, run);
		return run;
	}

	private forgetOld() {
		const oldest = this.now() - this.maxAgeMs;
		for (const [key, run] of this.runs) {
			if (this.runs.size >= this.maxRuns || run.touchedAt < oldest) this.runs.delete(key);
		}
	}
}
