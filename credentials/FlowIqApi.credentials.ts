import type {
	IAuthenticateGeneric,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

export class FlowIqApi implements ICredentialType {
	name = 'flowIqApi';

	displayName = 'FlowIQ API';

	icon: Icon = { light: 'file:../nodes/FlowIq/flowIq.svg', dark: 'file:../nodes/FlowIq/flowIq.dark.svg' };

	documentationUrl = 'https://docs.flowapt.com';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'e.g. fiq_…',
			description:
				'Your FlowIQ API key. It starts with fiq_. Create one in the FlowIQ dashboard.',
		},
		{
			displayName: 'Tenant ID',
			name: 'tenantId',
			type: 'string',
			default: '',
			placeholder: 'e.g. acme',
			description:
				'Your organisation’s tenant ID, shown in FlowIQ under Settings → Account Information. FlowIQ checks that the key belongs to this organisation. Contact → Create works without it; reading contacts and conversations needs it.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.flowiq.live',
			description:
				'Change only to reach a FlowIQ test server. Must use https:// (plain http is accepted for localhost only).',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey.trim()}}',
			},
		},
	};
}
