import type { IContextObject } from 'n8n-workflow';

import { runRecordFor } from '../../nodes/FlowIq/helpers/runMemory';

describe('runRecordFor', () => {
	it('keeps what a run created for the next try of the same run, in that execution’s node context', () => {
		const context: IContextObject = {};
		runRecordFor(context, 0).created.set('+27123456789', { id: 'c1' });
		expect(runRecordFor(context, 0).created.get('+27123456789')).toEqual({ id: 'c1' });
		expect(runRecordFor({}, 0).created.size).toBe(0); // another execution's context
	});

	it('gives each run of the node (each Loop Over Items batch) a record of its own', () => {
		const context: IContextObject = {};
		runRecordFor(context, 0).created.set('+27123456789', { id: 'c1' });
		runRecordFor(context, 0).uncertain.set('+27999999999', 1000);
		expect(runRecordFor(context, 1).created.size).toBe(0);
		expect(runRecordFor(context, 1).uncertain.size).toBe(0);
		expect(runRecordFor(context, 0).uncertain.get('+27999999999')).toBe(1000);
	});

	it('is left out when n8n saves the execution data', () => {
		const context: IContextObject = { other: 1 };
		runRecordFor(context, 0).created.set('+27123456789', { id: 'c1' });
		expect(JSON.parse(JSON.stringify(context))).toEqual({ other: 1 });
	});

	it('starts afresh when the context holds something else under its key (a saved and restored execution)', () => {
		const context: IContextObject = { flowIqRunRecords: {} };
		expect(runRecordFor(context, 0).created.size).toBe(0);
	});
});
