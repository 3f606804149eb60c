import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import * as contact from './contact/Contact.resource';

type Operation = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]> };

/** Every operation of the node, by the resource and operation values saved in workflows. */
const OPERATIONS: Record<string, Record<string, Operation>> = {
	contact: { create: contact.create },
};

/** Runs the operation the node is set to; one operation handles all items of a run. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const chosen = OPERATIONS[resource]?.[operation];
	if (!chosen) {
		throw new NodeOperationError(this.getNode(), `The FlowIQ node has no operation "${operation}" for "${resource}"`, {
			description: 'Choose the Resource and Operation again: this workflow may come from a newer version of the node',
		});
	}
	return await chosen.execute.call(this);
}
