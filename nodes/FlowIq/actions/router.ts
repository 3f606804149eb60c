import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { releaseTransports, runsAsTool } from './common';
import * as contact from './contact/Contact.resource';
import * as conversation from './conversation/Conversation.resource';
import * as message from './message/Message.resource';

interface Operation {
	execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;
	/** Operations with more than one output name them. */
	OUTPUT_NAMES?: string[];
}

/** Every operation of the node, by the resource and operation values saved in workflows. */
const OPERATIONS: Record<string, Record<string, Operation>> = {
	contact: { create: contact.create, get: contact.get, getAll: contact.getAll },
	conversation: { getMessages: conversation.getMessages },
	message: { send: message.send },
};

/**
 * As a tool of n8n's AI Agent the node has one output, and the agent reads only the first: every
 * outcome goes there, each item saying which output it would have taken.
 */
export function asToolAnswer(outputs: INodeExecutionData[][], outputNames: string[] = []): INodeExecutionData[][] {
	if (outputs.length < 2) return outputs;
	const merged = outputs.flatMap((items, output) => {
		const named = outputNames[output]?.toLowerCase().replace(/ /g, '_');
		return items.map((item) => ({ ...item, json: { outcome: isErrorItem(item) ? 'error' : named, ...item.json } }));
	});
	return [merged];
}

/** A failed item under n8n's "Continue": exactly `{ error, message }` (the shape buildOutputs gives it). */
function isErrorItem(item: INodeExecutionData): boolean {
	return Object.keys(item.json).sort().join() === 'error,message';
}

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
	try {
		const outputs = await chosen.execute.call(this);
		return runsAsTool(this) ? asToolAnswer(outputs, chosen.OUTPUT_NAMES) : outputs;
	} finally {
		releaseTransports(this);
	}
}
