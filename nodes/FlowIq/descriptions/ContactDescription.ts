import type { INodeProperties } from 'n8n-workflow';

const showForCreate = { show: { resource: ['contact'], operation: ['create'] } };

export const contactOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contact'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Create a contact after FlowIQ checks the number is on WhatsApp',
				action: 'Create a contact',
			},
		],
		default: 'create',
	},
];

export const contactFields: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'Jane Smith',
		description: 'The contact’s full name. Extra spaces are removed.',
		displayOptions: showForCreate,
	},
	{
		displayName: 'Phone Number',
		name: 'phoneNumber',
		type: 'string',
		required: true,
		default: '',
		placeholder: '+27 82 123 4567',
		description:
			'A WhatsApp number, ideally with its country code. Spaces, dashes, brackets and a leading 00 are fine. Sent as +27821234567.',
		hint: 'Numbers without a country code need Default Country under Options',
		displayOptions: showForCreate,
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@example.com',
		default: '',
		description: 'Optional. Left out when empty.',
		displayOptions: showForCreate,
	},
	{
		displayName: 'Tags',
		name: 'tags',
		type: 'string',
		default: '',
		placeholder: 'lead, website',
		description:
			'Optional. Comma-separated, or a list from an expression. Spaces, empty tags and repeats are removed.',
		displayOptions: showForCreate,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: showForCreate,
		options: [
			{
				displayName: 'Default Country',
				name: 'defaultCountry',
				type: 'string',
				default: '',
				placeholder: 'ZA',
				description:
					'Two-letter country code (ISO 3166) used for numbers written without a country code, such as 082 123 4567',
			},
			{
				displayName: 'Max Concurrency',
				name: 'maxConcurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 50 },
				default: 5,
				description:
					'How many requests FlowIQ receives at once, at most. After a 429 (too many requests) the node also slows its pace by itself.',
			},
			{
				displayName: 'Max Retries',
				name: 'maxRetries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10 },
				default: 3,
				description:
					'How often to retry a contact after a network error or a 502, 503 or 504, waiting longer each time. 0 turns retries off.',
			},
			{
				displayName: 'Timeout',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1000 },
				default: 30000,
				description:
					'Milliseconds each request may take in all, until the whole answer has arrived, before it counts as timed out and is retried',
			},
		],
	},
];
