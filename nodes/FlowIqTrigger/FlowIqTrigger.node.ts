import {
	NodeConnectionTypes,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { ALL_EVENTS } from './events';
import * as hooks from './hooks';
import { receiveEvent } from './receive';

export class FlowIqTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FlowIQ Trigger',
		name: 'flowIqTrigger',
		icon: { light: 'file:flowIq.svg', dark: 'file:flowIq.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{($parameter["events"] || []).join(", ")}}',
		description: 'Starts the workflow when FlowIQ reports a WhatsApp message received, sent, delivered, read or failed',
		defaults: { name: 'FlowIQ Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'flowIqApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: [
			{
				displayName:
					'FlowIQ has no way to list or remove webhooks. Activating registers this workflow’s URL (with a secret in it) at FlowIQ once; deactivating cannot remove it, and n8n refuses FlowIQ’s calls while the workflow is inactive. Activating again with the same events, platform and credential reuses the registration. Changing them registers anew with a new secret: FlowIQ’s older webhooks are then refused (401) and start nothing, and so are those that Listen for Test Event registers. Remove stale webhooks in FlowIQ if its dashboard offers it, or ask FlowIQ’s support. Removed the live one too? Change the events and back to register again.',
				name: 'registrationNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: ['message_received'],
				description: 'The events that start the workflow; FlowIQ’s other events are acknowledged and ignored',
				options: [
					{ name: 'All Events', value: ALL_EVENTS, description: 'Every event FlowIQ sends, including types it adds later' },
					{
						name: 'Call',
						value: 'call',
						description: 'A WhatsApp call: FlowIQ’s raw Meta payload (FlowIQ’s page does not document it yet)',
					},
					{ name: 'Message Delivered', value: 'message_delivered', description: 'A message reached the customer’s phone' },
					{ name: 'Message Failed', value: 'message_failed', description: 'A message failed, was undelivered, or got a warning' },
					{ name: 'Message Read', value: 'message_read', description: 'The customer read a message' },
					{ name: 'Message Received', value: 'message_received', description: 'A customer wrote to your WhatsApp number' },
					{ name: 'Message Sent (Receipt)', value: 'message_sent', description: 'WhatsApp’s receipt that a message was sent' },
					{
						name: 'Sent Message (Full Record)',
						value: 'sent_message',
						description: 'A message your team, bot or broadcast sent, with everything FlowIQ stored about it',
					},
				],
			},
			{
				displayName: 'Platform',
				name: 'platform',
				type: 'options',
				default: 'whatsapp',
				description: 'Where the events come from',
				options: [
					{
						name: 'Web',
						value: 'web',
						description:
							'FlowIQ’s web chat. FlowIQ names this platform but does not document its value: the node sends "web".',
					},
					{ name: 'WhatsApp', value: 'whatsapp' },
				],
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await hooks.checkExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await hooks.create.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await hooks.deleteRegistration.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveEvent.call(this);
	}
}
