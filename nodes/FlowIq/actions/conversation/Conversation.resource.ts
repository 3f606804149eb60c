import type { INodeProperties } from 'n8n-workflow';

import * as getMessages from './getMessages.operation';

export { getMessages };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['conversation'] } },
		options: [
			{
				name: 'Get Messages',
				value: 'getMessages',
				description: 'Read the messages of one customer’s WhatsApp conversation',
				action: 'Get messages',
			},
		],
		default: 'getMessages',
	},
	...getMessages.description,
];
