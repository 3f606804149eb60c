import {
	NodeOperationError,
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { cleanPhone } from '../../helpers/contactInput';
import { conversationsPages } from '../../transport/pagination';
import {
	defaultCountryOption,
	maxRetriesOption,
	optionsCollection,
	pageConcurrencyOption,
	phoneNumberField,
	timeoutOption,
} from '../common.descriptions';
import { readDefaultCountry } from '../common';
import { returnAllFields, runList } from '../list';

const properties: INodeProperties[] = [
	{
		displayName: 'Conversation By',
		name: 'conversationBy',
		type: 'options',
		options: [
			{ name: 'Phone Number', value: 'phoneNumber', description: 'The customer’s WhatsApp number' },
			{ name: 'Contact ID', value: 'contactId', description: 'The FlowIQ contact ID (a UUID)' },
		],
		default: 'phoneNumber',
		description: 'How to find the customer whose messages to get',
	},
	phoneNumberField(
		'The customer’s WhatsApp number. Spaces, dashes and brackets are fine.', { show: { conversationBy: ['phoneNumber'] } },
	),
	{
		displayName: 'Contact ID',
		name: 'contactId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 123e4567-e89b-12d3-a456-426614174000',
		displayOptions: { show: { conversationBy: ['contactId'] } },
		description: 'The ID FlowIQ gave the contact, as Contact → Get returns it',
	},
	...returnAllFields,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add filter',
		default: {},
		options: [
			{
				displayName: 'Search Terms',
				name: 'searchTerms',
				type: 'string',
				default: '',
				placeholder: 'e.g. refund, urgent',
				description: 'Only messages containing these words. Comma-separated.',
			},
			{
				displayName: 'Shopify Order ID',
				name: 'orderId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 1234567890',
				description: 'Only messages that mention this Shopify order. Needs FlowIQ’s Shopify connection.',
			},
		],
	},
	optionsCollection([
		defaultCountryOption,
		pageConcurrencyOption,
		maxRetriesOption('How often to retry a page after a network error, a timeout, a 429 or a 5xx'),
		{
			displayName: 'Oldest First',
			name: 'oldestFirst',
			type: 'boolean',
			default: false,
			description: 'Whether to return the oldest messages first. By default the newest come first.',
		},
		timeoutOption,
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['conversation'], operation: ['getMessages'] } }, properties);

/** The query naming the conversation: the number cleaned as everywhere in the node, or the contact ID. */
function conversationQuery(context: IExecuteFunctions, itemIndex: number): { query: Record<string, string>; shown: string } {
	if (context.getNodeParameter('conversationBy', itemIndex, 'phoneNumber') === 'contactId') {
		const contactId = String(context.getNodeParameter('contactId', itemIndex, '') ?? '').trim();
		if (!contactId) {
			throw new NodeOperationError(context.getNode(), 'Contact ID is empty', {
				description: 'Map the field that holds the FlowIQ contact ID, or choose Phone Number under Conversation By',
				itemIndex,
			});
		}
		return { query: { contactId }, shown: `the contact ID ${contactId}` };
	}
	const cleaned = cleanPhone(context.getNodeParameter('phoneNumber', itemIndex, ''), readDefaultCountry(context, itemIndex));
	if (!cleaned.ok) {
		throw new NodeOperationError(context.getNode(), cleaned.message, {
			description: 'Correct the phone number, or set Default Country under Options',
			itemIndex,
		});
	}
	return { query: { whatsappNumber: cleaned.value.slice(1) }, shown: `the number ${cleaned.value}` };
}

/** Conversation → Get Messages: one item per message of one customer's conversation. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await runList(this, (transport, itemIndex) => {
		const { query, shown } = conversationQuery(this, itemIndex);
		const searchTerms = String(this.getNodeParameter('filters.searchTerms', itemIndex, '') ?? '')
			.split(',')
			.map((term) => term.trim())
			.filter(Boolean)
			.join(',');
		const orderId = String(this.getNodeParameter('filters.orderId', itemIndex, '') ?? '').trim();
		const oldestFirst = this.getNodeParameter('options.oldestFirst', itemIndex, false) === true;
		return {
			fetchPage: conversationsPages(
				transport,
				{
					action: 'conversation-messages',
					...query,
					...(searchTerms ? { query: searchTerms } : {}),
					...(orderId ? { orderId } : {}),
					ascending: String(oldestFirst),
				},
				'messages',
			),
			// Messages have no ID. One that arrives while the list is read pushes the others a page
			// on: its neighbour would come out twice. Time, sender and content tell it apart.
			identify: (message) => JSON.stringify([message.created_at, message.sender_type, message.message, message.media_url]),
			contactNotFound: `FlowIQ has no contact with ${shown}`,
		};
	});
}
