import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as contact from './actions/contact/Contact.resource';
import * as conversation from './actions/conversation/Conversation.resource';
import * as message from './actions/message/Message.resource';
import { router } from './actions/router';

/**
 * The outputs of the chosen operation, so a workflow branches on an outcome without an IF node.
 * n8n evaluates this in the editor and the engine from its source text: it must stand alone (no
 * imports, no helpers, nothing newer than n8n's expression parser reads, no "}}" that would end
 * the expression). A workflow saved before other operations existed has no resource or operation
 * saved: that is Contact → Create.
 */
function outputsFor(resource: string | undefined, operation: string | undefined) {
	const chosen = (resource || 'contact') + '.' + (operation || 'create');
	const names = chosen === 'contact.create' ? ['Created', 'Duplicate', 'Invalid'] : chosen === 'contact.get' ? ['Found', 'Not Found'] : [''];
	return names.map((displayName) => ({ type: 'main', displayName }));
}

export class FlowIq implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FlowIQ',
		name: 'flowIq',
		icon: { light: 'file:flowIq.svg', dark: 'file:flowIq.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Create and look up WhatsApp contacts, read conversations and send messages with FlowIQ',
		defaults: { name: 'FlowIQ' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${outputsFor})($parameter.resource, $parameter.operation)}}`,
		credentials: [{ name: 'flowIqApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Contact', value: 'contact' },
					{ name: 'Conversation', value: 'conversation' },
					{ name: 'Message', value: 'message' },
				],
				default: 'contact',
			},
			...contact.description,
			...conversation.description,
			...message.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
