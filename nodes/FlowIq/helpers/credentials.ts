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

/** What URL parsers drop from a URL: C0 controls and spaces at either end, tabs and newlines anywhere. */
const IGNORED_BY_URL_PARSERS = /^[\u0000-\u0020]+|[\u0000-\u0020]+$|[\t\n\r]/g;

/**
 * `http:` to anywhere but this machine (localhost, 127.x.x.x, [::1]), however the slashes after it
 * are written (`http:/host` and `http:\\host` are read as `http://host` too).
 */
const PLAIN_HTTP_ELSEWHERE = /^http:(?!\/\/(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d*)?([/\\?#]|$))/i;

const TRAILING_SLASHES = /\/+$/;

/**
 * The base URL without its trailing slash, so paths join cleanly; empty means FlowIQ's. The key
 * must never travel in clear text: plain http to a host other than this machine goes as https.
 */
export function apiBaseUrl(credentials: FlowIqCredentials): string {
	const written = typeof credentials.baseUrl === 'string' ? credentials.baseUrl.replace(IGNORED_BY_URL_PARSERS, '') : '';
	return (written || DEFAULT_BASE_URL).replace(PLAIN_HTTP_ELSEWHERE, 'https:').replace(TRAILING_SLASHES, '');
}

/**
 * apiBaseUrl as an n8n expression on the credential, for the credential's Test request: a Test that
 * passed means the node reaches the same server.
 */
export const API_BASE_URL_EXPRESSION =
	`={{(($credentials.baseUrl || "").replace(${IGNORED_BY_URL_PARSERS}, "") || "${DEFAULT_BASE_URL}")` +
	`.replace(${PLAIN_HTTP_ELSEWHERE}, "https:").replace(${TRAILING_SLASHES}, "")}}`;

/** Where a request for `path` goes: the base URL, plus the Tenant ID when one is set. */
export function apiTarget(
	credentials: FlowIqCredentials,
	path: string,
	query: Record<string, string> = {},
): { url: string; qs: Record<string, string> } {
	const tenantId = credentials.tenantId?.trim();
	return { url: `${apiBaseUrl(credentials)}${path}`, qs: tenantId ? { ...query, tenantId } : query };
}

/** What is wrong with the credential before any request is made, or `undefined` when nothing is. */
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
	// Plain http is left for this machine only (apiBaseUrl).
	if (url.protocol === 'https:' || url.protocol === 'http:') return undefined;
	return `The Base URL must start with https://, not ${url.protocol}//`;
}
