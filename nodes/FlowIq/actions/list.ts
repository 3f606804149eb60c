import { NodeOperationError, type NodeApiError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import type { FlowIqTransport } from '../transport';
import { affectsEveryItem } from '../transport/outcome';
import { collectPages, PageUnavailable, type Page } from '../transport/pagination';
import { apiError, asOperationError, buildOutputs, cancelledError, failEveryItem, openTransport, readRequestOptions, type ItemResult } from './common';

/** FlowIQ's largest page: the fewest requests for a long list. */
export const MAX_PAGE_SIZE = 100;

/** Return All and Limit, as n8n's own "Get many" operations show them. */
export const returnAllFields: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		displayOptions: { show: { returnAll: [false] } },
		description: 'Max number of results to return',
	},
];

/** What one input item asks a list operation for. */
export interface ListRequest {
	fetchPage: (page: number, pageSize: number) => Promise<Page>;
	identify?: (item: IDataObject) => unknown;
	/** What to say when FlowIQ knows no contact the list was asked for; undefined: a plain failure. */
	contactNotFound?: string;
}

/**
 * Runs a list operation: for each input item, `describe` says what to fetch, and the items FlowIQ
 * lists come out on the one output, paired with it. Items run one after another; each one's pages
 * arrive up to Max Concurrency at a time.
 */
export async function runList(
	context: IExecuteFunctions,
	describe: (transport: FlowIqTransport, itemIndex: number) => ListRequest,
): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const results: Array<ItemResult<IDataObject[]>> = new Array(items.length);
	const continueOnFail = context.continueOnFail();
	let transport: FlowIqTransport;
	try {
		transport = await openTransport(context, readRequestOptions(context));
	} catch (error) {
		failEveryItem(results, error, context, continueOnFail);
		return buildOutputs(results, 1, continueOnFail);
	}

	/** Set once a failure will meet every later item too (credential, tenant) or the run is cancelled. */
	let stoppedBy: NodeApiError | NodeOperationError | undefined;
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		if (stoppedBy) {
			results[itemIndex] = { output: 'error', error: stoppedBy };
			continue;
		}
		let request: ListRequest | undefined;
		try {
			request = describe(transport, itemIndex);
			const returnAll = context.getNodeParameter('returnAll', itemIndex, false) as boolean;
			const wanted = returnAll ? Infinity : Math.max(1, Math.floor(Number(context.getNodeParameter('limit', itemIndex, 50)) || 1));
			const listed = await collectPages(request.fetchPage, {
				wanted,
				pageSize: Math.min(MAX_PAGE_SIZE, wanted),
				concurrency: transport.options.maxConcurrency,
				identify: request.identify,
			});
			results[itemIndex] = { output: 0, json: listed };
		} catch (error) {
			const failure = listFailure(context, error, itemIndex, request?.contactNotFound);
			if (!continueOnFail) throw failure;
			results[itemIndex] = { output: 'error', error: failure };
			const problem = error instanceof PageUnavailable ? error.problem : null;
			const everyItemFails = problem === undefined || (problem?.status !== undefined && affectsEveryItem(problem.status, problem.error));
			if (everyItemFails) stoppedBy = failure;
		}
	}
	return buildOutputs(results, 1, continueOnFail);
}

/** The error an item's list ends with. */
function listFailure(context: IExecuteFunctions, error: unknown, itemIndex: number, contactNotFound?: string): NodeApiError | NodeOperationError {
	if (!(error instanceof PageUnavailable)) {
		return asOperationError(context, error, itemIndex);
	}
	if (!error.problem) return cancelledError(context, itemIndex, { thing: 'request', sent: false });
	if (error.contactNotFound && contactNotFound) {
		return new NodeOperationError(context.getNode(), contactNotFound, {
			description: 'Check the number or contact ID; a new contact needs Contact → Create first',
			itemIndex,
		});
	}
	return apiError(context, error.problem, itemIndex);
}
