import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import * as contact from './actions/contact/Contact.resource';
import { router } from './actions/router';
import { testFlowIqCredential } from './methods/credentialTest';

export class FlowIq implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FlowIQ',
		name: 'flowIq',
		icon: { light: 'file:flowIq.svg', dark: 'file:flowIq.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Create WhatsApp contacts in FlowIQ',
		defaults: { name: 'FlowIQ' },
		usableAsTool: true,
		inputs: ['main'],
		// One output per outcome, so workflows branch without an IF node; the rule knows only IF and Switch.
		// eslint-disable-next-line n8n-nodes-base/node-class-description-outputs-wrong
		outputs: ['main', 'main', 'main'],
		outputNames: ['Created', 'Duplicate', 'Invalid'],
		credentials: [{ name: 'flowIqApi', required: true, testedBy: 'flowIqApiTest' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Contact', value: 'contact' }],
				default: 'contact',
			},
			...contact.description,
		],
	};

	methods = {
		credentialTest: { flowIqApiTest: testFlowIqCredential },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
