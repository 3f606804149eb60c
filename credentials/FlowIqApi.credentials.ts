import type {
	IAuthenticateGeneric,
	IAuthenticateRuleResponseSuccessBody,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { API_BASE_URL_EXPRESSION, DEFAULT_BASE_URL } from '../nodes/FlowIq/helpers/credentials';

const CHECK_BASE_URL = `check the Base URL (FlowIQ’s is ${DEFAULT_BASE_URL})`;

/**
 * What FlowIQ's `error` words mean for the Test, with the next step, as the documented revisions
 * spell them. The Test reads the answer's body, not its status: n8n 1.x's errors lose the status
 * its status-code rules need, and the body says more (another organisation's key is a 401 too).
 */
const KNOWN_ERRORS: Array<[string[], string]> = [
	[
		['Tenant ID is required'],
		'The Test needs the Tenant ID (Contact → Create does not): copy it from Settings → Account Information in FlowIQ',
	],
	[
		['Invalid API key', 'Authorization required', 'AuthenticationError', 'Invalid token format'],
		'FlowIQ rejected the API key: copy a fresh fiq_ key from the FlowIQ dashboard (Settings → API Keys)',
	],
	[
		['Authentication mismatch', 'API key mismatch'],
		'The API key belongs to another organisation than the Tenant ID: copy the Tenant ID from Settings → Account Information in FlowIQ, or a key of that organisation',
	],
	[
		['Organization not found'],
		`FlowIQ found no organisation for this Tenant ID: copy it from Settings → Account Information in FlowIQ. If it is right, ${CHECK_BASE_URL}`,
	],
	[['Internal server error'], 'FlowIQ had an internal error: try the Test again in a few minutes'],
];

const NOT_FLOWIQ = `The Base URL answered, but not as FlowIQ does: ${CHECK_BASE_URL}. If it is right, FlowIQ or a proxy in front of it may be failing: try the Test again in a minute`;

const bodyRule = (key: string, value: unknown, message: string): IAuthenticateRuleResponseSuccessBody => ({
	type: 'responseSuccessBody',
	properties: { key, value, message },
});

/** n8n applies the first rule that matches, so the words come before the catch-alls. */
const TEST_RULES: IAuthenticateRuleResponseSuccessBody[] = [
	...KNOWN_ERRORS.flatMap(([words, message]) => words.map((word) => bodyRule('error', word, message))),
	// Every FlowIQ answer carries `success`: without it, another server answered (a redirect too).
	// A proxy's 429 or 502 page lacks it too, and the rules cannot see the status.
	bodyRule('success', undefined, NOT_FLOWIQ),
	bodyRule(
		'success',
		false,
		`FlowIQ refused the Test: check the API key, the Tenant ID and the Base URL (FlowIQ’s is ${DEFAULT_BASE_URL}). If all three are right, FlowIQ may be busy: try the Test again in a minute`,
	),
	// Another kind of server may say `success: true` too, but not with FlowIQ's contact list.
	bodyRule('contacts', undefined, NOT_FLOWIQ),
];

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
			default: DEFAULT_BASE_URL,
			description:
				'Change only to reach a FlowIQ test server. Plain http:// is sent as https://, except to this machine (localhost, 127.0.0.1, [::1]), so the key never travels in clear text.',
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

	/**
	 * The dialog's Test: the first contact of the Tenant ID's organisation, read-only. Every FlowIQ
	 * revision has this list, and it answers 200 for a good key and tenant (a look-up of a number
	 * answers 404 when nobody has it). As in the node, an empty Base URL means FlowIQ's, and plain
	 * http to a host other than this machine is sent as https, so the key never travels in clear text; a
	 * redirect is not followed, so the key goes nowhere else. Every answer comes back to the rules
	 * (ignoreHttpStatusErrors).
	 */
	test: ICredentialTestRequest = {
		request: {
			method: 'GET',
			baseURL: API_BASE_URL_EXPRESSION,
			url: '/conversations',
			qs: { action: 'contacts', limit: 1, tenantId: '={{$credentials.tenantId.trim()}}' },
			disableFollowRedirect: true,
			ignoreHttpStatusErrors: true,
		},
		rules: TEST_RULES,
	};
}
