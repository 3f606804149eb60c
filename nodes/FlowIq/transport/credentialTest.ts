import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { apiBaseUrl, apiTarget, credentialProblem, type FlowIqCredentials } from '../helpers/credentials';
import { errorWords } from '../helpers/outcome';

/** A number no real contact has: the probe looks it up, so the test never creates anything. */
const PROBE_WHATSAPP_ID = '10000000000';

/**
 * The credential dialog's "Test": checks the key's shape, then makes one read-only call
 * (`GET /contact`) and says what FlowIQ made of the key and tenant.
 */
export async function testFlowIqCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const credentials = credential.data as unknown as FlowIqCredentials;
	const problem = credentialProblem(credentials);
	if (problem) return { status: 'Error', message: problem };

	const tenantId = credentials.tenantId?.trim();
	const baseUrl = apiBaseUrl(credentials);
	const { url, qs } = apiTarget(credentials, '/contact', { whatsapp_id: PROBE_WHATSAPP_ID });
	let response: { statusCode: number; body: unknown };
	try {
		response = await this.helpers.request({
			method: 'GET',
			uri: url,
			qs,
			headers: { Authorization: `Bearer ${credentials.apiKey.trim()}` },
			json: true,
			timeout: 15000,
			resolveWithFullResponse: true,
			simple: false,
		});
	} catch (error) {
		const code = (error as { cause?: { code?: string }; code?: string }).cause?.code ?? (error as { code?: string }).code;
		return {
			status: 'Error',
			message: `Could not reach FlowIQ at ${baseUrl}${code ? ` (${code})` : ''}: check the Base URL`,
		};
	}

	const { statusCode, body } = response;
	const { error, message } = errorWords(statusCode, body);
	const organisation = tenantId ? `tenant “${tenantId}”` : 'its organisation';
	if (statusCode === 200 || (statusCode === 404 && error !== 'Organization not found')) {
		return { status: 'OK', message: `Connected: FlowIQ accepted the API key for ${organisation}` };
	}
	if (statusCode === 401 || statusCode === 403) {
		const fix =
			error === 'API key mismatch'
				? 'the key belongs to another organisation than the Tenant ID'
				: 'copy a fresh fiq_ key from the FlowIQ dashboard';
		return { status: 'Error', message: `FlowIQ rejected the API key: ${message} (${fix})` };
	}
	if (statusCode === 404) {
		return {
			status: 'Error',
			message: `FlowIQ found no organisation for this ${tenantId ? 'Tenant ID' : 'API key'}: ${message}`,
		};
	}
	return { status: 'Error', message: `FlowIQ answered ${statusCode}: ${message}` };
}
