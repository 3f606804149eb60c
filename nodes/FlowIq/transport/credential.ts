import { NodeOperationError, type ICredentialsDecrypted, type IExecuteFunctions, type IHookFunctions } from 'n8n-workflow';

import { credentialProblem, type FlowIqCredentials } from '../helpers/credentials';

/** The n8n contexts that talk to FlowIQ: a node run, and the trigger's webhook set-up. */
export type FlowIqContext = IExecuteFunctions | IHookFunctions;

/**
 * The node's FlowIQ API credential, checked before any request is made, in the form the
 * transport hands to n8n's authenticated HTTP helper. Throws a NodeOperationError saying what to
 * correct when the credential cannot be read or is wrong.
 */
export async function readFlowIqCredential(context: FlowIqContext): Promise<ICredentialsDecrypted> {
	const node = context.getNode();
	let credentials: FlowIqCredentials;
	try {
		credentials = await context.getCredentials<FlowIqCredentials>('flowIqApi');
	} catch (error) {
		throw new NodeOperationError(node, error as Error);
	}
	const problem = credentialProblem(credentials);
	if (problem) throw new NodeOperationError(node, problem, { description: 'Open the FlowIQ API credential and correct it' });
	return {
		id: node.credentials?.flowIqApi?.id ?? '',
		name: node.credentials?.flowIqApi?.name ?? 'FlowIQ API',
		type: 'flowIqApi',
		data: credentials as unknown as ICredentialsDecrypted['data'],
	};
}
