import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { apiBaseUrl, apiTarget, credentialProblem, type FlowIqCredentials } from '../helpers/credentials';
import { errorWords, isContactNotFound, isMissingRoute, isRedirect } from '../transport/outcome';
import { redactDeep } from '../transport/redact';

/** A number no real contact has: the probe looks it up, so the test never creates anything. */
const PROBE_WHATSAPP_ID = '10000000000';

type ProbeAnswer = { statusCode: number; body: unknown; headers?: { location?: string } };

/** One read-only look-up of the probe number; a string names why FlowIQ could not be reached. */
async function probe(
	context: ICredentialTestFunctions,
	credentials: FlowIqCredentials,
	path: string,
	query: Record<string, string>,
): Promise<ProbeAnswer | string> {
	const { url, qs } = apiTarget(credentials, path, query);
	try {
		return await context.helpers.request({
			method: 'GET',
			uri: url,
			qs,
			headers: { Authorization: `Bearer ${credentials.apiKey.trim()}` },
			json: true,
			timeout: 15000,
			resolveWithFullResponse: true,
			simple: false,
			// A redirect would carry the key wherever it points.
			followRedirect: false,
		});
	} catch (error) {
		const code = (error as { cause?: { code?: string }; code?: string }).cause?.code ?? (error as { code?: string }).code;
		return `Could not reach FlowIQ at ${apiBaseUrl(credentials)}${code ? ` (${code})` : ''}: check the Base URL`;
	}
}

/**
 * The credential dialog's "Test": checks the key's shape, then looks a number no contact has up,
 * read-only (`GET /contact`, or find-by-phone where FlowIQ lacks it), and says what FlowIQ made of
 * the key and tenant.
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
	let response = await probe(this, credentials, '/contact', { whatsapp_id: PROBE_WHATSAPP_ID });
	// Older FlowIQ revisions have no GET /contact: their find-by-phone look-up answers the same question.
	if (typeof response !== 'string' && isMissingRoute(response.statusCode, redactDeep(response.body, credentials.apiKey))) {
		response = await probe(this, credentials, '/conversations', { action: 'find-by-phone', whatsappNumber: PROBE_WHATSAPP_ID });
	}
	if (typeof response === 'string') return { status: 'Error', message: response };

	const { statusCode } = response;
	// Servers and proxies may echo the request, Authorization header included.
	const body = redactDeep(response.body, credentials.apiKey);
	const location = redactDeep(response.headers?.location, credentials.apiKey);
	const { error, message } = errorWords(statusCode, body);
	const organisation = tenantId ? `tenant “${tenantId}”` : 'its organisation';
	const foundContact = statusCode === 200 && typeof (body as { contact?: unknown })?.contact === 'object';
	// Only FlowIQ's contact API knows the probe number has no contact: any other 404 is another server.
	if (foundContact || isContactNotFound(statusCode, body)) {
		return { status: 'OK', message: `Connected: FlowIQ accepted the API key for ${organisation}` };
	}
	if (isRedirect(statusCode)) {
		return {
			status: 'Error',
			message: `FlowIQ answered ${statusCode} and pointed the request to ${location ?? 'another address'}: check the Base URL`,
		};
	}
	if (statusCode === 401 || statusCode === 403) {
		const fix =
			error === 'API key mismatch'
				? 'the key belongs to another organisation than the Tenant ID'
				: 'copy a fresh fiq_ key from the FlowIQ dashboard';
		return { status: 'Error', message: `FlowIQ rejected the API key: ${message} (${fix})` };
	}
	if (error === 'Tenant ID is required') {
		return { status: 'Error', message: 'FlowIQ needs the Tenant ID: copy it from Settings → Account Information in FlowIQ' };
	}
	if (statusCode === 404 && error === 'Organization not found') {
		return {
			status: 'Error',
			message: `FlowIQ found no organisation for this ${tenantId ? 'Tenant ID' : 'API key'}: ${message}`,
		};
	}
	if (statusCode === 404 || statusCode === 200) {
		return {
			status: 'Error',
			message: `FlowIQ’s contact API is not at ${baseUrl} (it answered ${statusCode}: ${message}): check the Base URL`,
		};
	}
	return { status: 'Error', message: `FlowIQ answered ${statusCode}: ${message}` };
}
