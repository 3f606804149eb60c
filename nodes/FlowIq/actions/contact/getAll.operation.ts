import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { conversationsPages } from '../../transport/pagination';
import {
	maxRetriesOption,
	optionsCollection,
	pageConcurrencyOption,
	timeoutOption,
} from '../common.descriptions';
import { returnAllFields, runList } from '../list';

const properties: INodeProperties[] = [
	...returnAllFields,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add filter',
		default: {},
		options: [
			{
				displayName: 'Search',
				name: 'search',
				type: 'string',
				default: '',
				placeholder: 'e.g. Jane or 2782',
				description: 'Only contacts whose name or phone number contains this text',
			},
		],
	},
	optionsCollection([
		pageConcurrencyOption,
		maxRetriesOption('How often to retry a page after a network error, a timeout, a 429 or a 5xx'),
		timeoutOption,
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['contact'], operation: ['getAll'] } }, properties);

/** Contact → Get Many: one item per contact, in FlowIQ's order. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runList(this, (transport, itemIndex) => {
		const search = String(this.getNodeParameter('filters.search', itemIndex, '') ?? '').trim();
		return {
			fetchPage: conversationsPages(transport, { action: 'contacts', ...(search ? { search } : {}) }, 'contacts'),
			// A contact created while the list is read shifts the pages: keep each contact once.
			identify: (contact) => contact.id,
		};
	});
}
