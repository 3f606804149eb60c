/** The fields of the FlowIQ API credential, as n8n hands them to the node. */
export interface FlowIqCredentials {
	apiKey: string;
	tenantId?: string;
	baseUrl?: string;
}

export const DEFAULT_BASE_URL = 'https://api.flowiq.live';

/** Whether a host name is this machine's (localhost, 127.x.x.x, ::1). */
export function isLoopback(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** The base URL without its trailing slash, so paths join cleanly. */
export function apiBaseUrl(credentials: FlowIqCredentials): string {
	return (credentials.baseUrl?.trim() || DEFAULT_BASE_URL).replace(/\/+$/, '');
}

/** Where a request for `path` goes: the base URL, plus the Tenant ID when one is set. */
export function apiTarget(
	credentials: FlowIqCredentials,
	path: string,
	query: Record<string, string> = {},
): { url: string; qs: Record<string, string> } {
	const tenantId = credentials.tenantId?.trim();
	return { url: `${apiBaseUrl(credentials)}${path}`, qs: tenantId ? { ...query, tenantId } : query };
}

/**
 * What is wrong with the credential before any request is made, or `undefined` when nothing is.
 * The key must never travel in clear text, so plain http is for loopback (local testing) only.
 */
export function credentialProblem(credentials: FlowIqCredentials): string | undefined {
	const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey.trim() : '';
	if (!apiKey) return 'The API key is empty: paste your FlowIQ API key (it starts with fiq_)';
	if (!apiKey.startsWith('fiq_')) {
		return 'The API key must start with fiq_: copy it again from the FlowIQ dashboard';
	}
	let url: URL;
	try {
		url = new URL(apiBaseUrl(credentials));
	} catch {
		return `The Base URL "${String(credentials.baseUrl).replace(/fiq_\S*/gi, 'fiq_…')}" is not a URL: use ${DEFAULT_BASE_URL}`;
	}
	if (url.protocol === 'https:') return undefined;
	if (url.protocol === 'http:' && isLoopback(url.hostname)) return undefined;
	if (url.protocol === 'http:') {
		return 'The Base URL must use https:// so the API key is never sent in clear text (plain http is allowed for localhost only)';
	}
	return `The Base URL must start with https://, not ${url.protocol}//`;
}
