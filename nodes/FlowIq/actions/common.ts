import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import { MAX_CONCURRENCY, MAX_RETRIES, TIMEOUT, readNumberOption, type NumberOptionSpec } from '../helpers/options';
import { FlowIqTransport, type TransportOptions } from '../transport';
import { readFlowIqCredential } from '../transport/credential';
import type { Failure } from '../transport/outcome';

/** What became of one input item: its item (or items) for one output, or an error. */
export type ItemResult<Json extends IDataObject | IDataObject[] = IDataObject> =
	| { output: number; json: Json }
	| { output: 'error'; error: NodeApiError | NodeOperationError };

/**
 * Settings for the whole run, read from the first item like n8n's own nodes do. Throws a
 * NodeOperationError naming the option when one cannot be read or is not a number.
 */
export function readRequestOptions(context: IExecuteFunctions): TransportOptions {
	const read = (name: keyof TransportOptions, spec: NumberOptionSpec): number => {
		let value: unknown;
		try {
			value = context.getNodeParameter(`options.${name}`, 0, spec.fallback);
		} catch (error) {
			throw new NodeOperationError(context.getNode(), `${spec.label} could not be read: ${(error as Error).message}`, {
				description: `Fix the expression in ${spec.label} under Options: it is read once, from the first item`,
			});
		}
		const option = readNumberOption(value, spec);
		if (!option.ok) {
			throw new NodeOperationError(context.getNode(), option.message, {
				description: `Set ${spec.label} under Options to a number, or to an expression that gives one`,
			});
		}
		return option.value;
	};
	return {
		maxConcurrency: read('maxConcurrency', MAX_CONCURRENCY),
		maxRetries: read('maxRetries', MAX_RETRIES),
		timeout: read('timeout', TIMEOUT),
	};
}

/** Whether the node runs as a tool of n8n's AI Agent: n8n names a node's tool variant after it, with "Tool" added. */
export function runsAsTool(context: IExecuteFunctions): boolean {
	return context.getNode().type.endsWith('Tool');
}

/** The item's Default Country option, as the phone cleaning expects it. */
export function readDefaultCountry(context: IExecuteFunctions, itemIndex: number): string | undefined {
	const value = String(context.getNodeParameter('options.defaultCountry', itemIndex, '') ?? '').trim().toUpperCase();
	return value || undefined;
}

/** The transports each run opened: they hold a pace shared with other runs until released. */
const openedBy = new WeakMap<IExecuteFunctions, FlowIqTransport[]>();

/**
 * The run's connection to FlowIQ, with the credential checked before any request. Throws a
 * NodeOperationError that fits every item when the credential is wrong. The router releases it
 * when the operation is done (releaseTransports).
 */
export async function openTransport(context: IExecuteFunctions, options: TransportOptions): Promise<FlowIqTransport> {
	const transport = new FlowIqTransport(context, await readFlowIqCredential(context), options);
	openedBy.set(context, [...(openedBy.get(context) ?? []), transport]);
	return transport;
}

/** Lets go of what the run's transports hold, however the operation ended. */
export function releaseTransports(context: IExecuteFunctions): void {
	for (const transport of openedBy.get(context) ?? []) transport.release();
	openedBy.delete(context);
}

/** Drops fields that were not given, so `submitted` shows only what the item had. */
export function compact(fields: IDataObject): IDataObject {
	return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined && value !== ''));
}

/**
 * FlowIQ's failure as the error n8n shows, with FlowIQ's words and the next step. Without an HTTP
 * status (no answer came) it is an operation error: n8n's API error would put a generic text of its
 * own in place of the node's words.
 */
export function apiError(
	context: IExecuteFunctions,
	failure: Omit<Failure, 'status'> & { status?: number },
	itemIndex: number,
): NodeApiError | NodeOperationError {
	const { status, error, message, hint } = failure;
	if (status === undefined) return new NodeOperationError(context.getNode(), message, { description: hint, itemIndex });
	return new NodeApiError(context.getNode(), { error, message, status } as JsonObject, {
		message: `FlowIQ answered ${status} (${error}): ${message}`,
		description: hint,
		httpCode: String(status),
		itemIndex,
	});
}

/**
 * The error for an item whose request the execution's cancelling interrupted. `thing` names what
 * the item sends ("contact", "message"); `ifSent` says what FlowIQ may have done with it.
 */
export function cancelledError(
	context: IExecuteFunctions,
	itemIndex: number,
	{ thing, sent, ifSent = 'FlowIQ may have acted on it' }: { thing: string; sent: boolean; ifSent?: string },
): NodeOperationError {
	return sent
		? new NodeOperationError(context.getNode(), `The execution was cancelled after this ${thing} was sent: ${ifSent}`, {
				description: 'Check in FlowIQ before running the workflow again',
				itemIndex,
			})
		: new NodeOperationError(context.getNode(), `The execution was cancelled before this ${thing} was sent`, {
				description: 'Run the workflow again to send it',
				itemIndex,
			});
}

/**
 * A failed item for n8n's "Continue" settings: exactly `{ error, message }`, which n8n moves to the
 * error output. No `error` property on the item: n8n would replace the JSON with the message alone
 * and drop the next step the user needs.
 */
function errorItem(error: NodeApiError | NodeOperationError, itemIndex: number): INodeExecutionData {
	return {
		json: { error: error.message, message: error.description || 'See the error message' },
		pairedItem: { item: itemIndex },
	};
}

/**
 * The node's outputs from every item's result, in input order. Without a "Continue" setting the
 * first failed item stops the node; with one, failed items go on the first output, where n8n
 * expects them.
 */
export function buildOutputs(results: Array<ItemResult<IDataObject | IDataObject[]>>, outputCount: number, continueOnFail: boolean): INodeExecutionData[][] {
	const outputs: INodeExecutionData[][] = Array.from({ length: outputCount }, () => []);
	results.forEach((result, itemIndex) => {
		if (result.output === 'error') {
			if (!continueOnFail) throw result.error;
			outputs[0].push(errorItem(result.error, itemIndex));
			return;
		}
		for (const json of Array.isArray(result.json) ? result.json : [result.json]) {
			outputs[result.output].push({ json, pairedItem: { item: itemIndex } });
		}
	});
	return outputs;
}

/** What was thrown, as the error n8n shows: a NodeOperationError keeps its own words. */
export function asOperationError(context: IExecuteFunctions, error: unknown, itemIndex?: number): NodeOperationError {
	return error instanceof NodeOperationError ? error : new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/** Fails every item alike, for a problem found before any request (options, credential): nothing is sent. */
export function failEveryItem(results: Array<ItemResult<IDataObject | IDataObject[]>>, error: unknown, context: IExecuteFunctions, continueOnFail: boolean): void {
	const failure = asOperationError(context, error);
	if (!continueOnFail) throw failure;
	results.fill({ output: 'error', error: failure });
}
