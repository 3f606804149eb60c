import type { IDataObject } from 'n8n-workflow';

/**
 * Contacts this node created, remembered per execution and node for a while.
 *
 * n8n's "Retry On Fail" runs the whole node again for every item. Without this memory, a contact
 * created by the first try would come back as a 409 on the second and land on Duplicate. Retries
 * happen inside the same process and execution, so an in-process map is enough; it is bounded so
 * that a long-lived n8n does not grow.
 */
export class RunMemory {
	private readonly runs = new Map<string, { touchedAt: number; created: Map<string, IDataObject> }>();

	constructor(
		private readonly maxRuns = 20,
		private readonly maxAgeMs = 60 * 60 * 1000,
		private readonly now: () => number = Date.now,
	) {}

	/** The contacts already created in this run, by E.164 phone number. */
	createdIn(runKey: string): Map<string, IDataObject> {
		const run = this.runs.get(runKey) ?? { touchedAt: 0, created: new Map<string, IDataObject>() };
		this.runs.delete(runKey);
		this.forgetOld();
		run.touchedAt = this.now();
		// Re-inserting keeps the map in least-recently-used order.
		this.runs.set(runKey, run);
		return run.created;
	}

	private forgetOld() {
		const oldest = this.now() - this.maxAgeMs;
		for (const [key, run] of this.runs) {
			if (this.runs.size >= this.maxRuns || run.touchedAt < oldest) this.runs.delete(key);
		}
	}
}
