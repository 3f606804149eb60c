import type { IContextObject, IDataObject } from 'n8n-workflow';

/** What one run of the node has learned about the numbers it sent. */
export interface RunRecord {
	/** Tells this run apart from every other in this process. */
	id: string;
	/** Contacts created, by E.164 phone number. */
	created: Map<string, IDataObject>;
	/** Numbers whose request may have reached FlowIQ but whose answer was lost, with when it was sent. */
	uncertain: Map<string, number>;
	/**
	 * Messages sent, by item and content: what FlowIQ answered when it was delivered, or why it may
	 * have been. Either way it is never sent again.
	 */
	messages: Map<string, { delivered: IDataObject } | { mayHaveBeenDelivered: string }>;
}

const CONTEXT_KEY = 'flowIqRunRecords';
let runsSeen = 0;

/** The records of one execution's node, by run index. */
class RunRecords {
	private readonly byRun = new Map<number, RunRecord>();

	forRun(runIndex: number): RunRecord {
		let record = this.byRun.get(runIndex);
		if (!record) {
			record = { id: `run-${++runsSeen}`, created: new Map(), uncertain: new Map(), messages: new Map() };
			this.byRun.set(runIndex, record);
		}
		return record;
	}

	/** Left out when n8n saves the execution: the records only serve tries within this process. */
	toJSON(): undefined {
		return undefined;
	}
}

/**
 * What earlier tries of this run of the node learned, for n8n's "Retry On Fail": it runs the same
 * run again (same run index), and without this a contact created by the first try would come back
 * as a 409 and land on Duplicate, and a message would reach the customer twice. Each batch of Loop Over Items is a run of its own (the next run
 * index) and starts empty: a number repeated in a later batch is sent, and FlowIQ's 409 makes it a
 * Duplicate.
 *
 * The records live in n8n's node context for this execution (`getContext('node')`): they last as
 * long as the execution, no other execution can evict them, and they go when it ends.
 */
export function runRecordFor(nodeContext: IContextObject, runIndex: number): RunRecord {
	if (!(nodeContext[CONTEXT_KEY] instanceof RunRecords)) nodeContext[CONTEXT_KEY] = new RunRecords();
	return (nodeContext[CONTEXT_KEY] as RunRecords).forRun(runIndex);
}
