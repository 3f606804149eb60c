import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export { create, get, getAll };

export const description: INodeProperties[] = [
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
			{
				name: 'Get',
				value: 'get',
				description: 'Look a contact up by phone number: Found or Not Found',
				action: 'Get a contact',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List contacts, optionally only those matching a search',
				action: 'Get many contacts',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
	...getAll.description,
];
