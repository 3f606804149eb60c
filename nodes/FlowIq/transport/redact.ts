/** What stands in for a secret removed from a text. */
export const REDACTED = '[redacted]';

/**
 * An `Authorization: Bearer …` header or a bare `Bearer …` token. A token is a fiq_ key or 16+
 * token characters, so FlowIQ's own hint "Please provide Authorization bearer token" stays intact.
 */
const BEARER = /(?:authorization\s*[:=]\s*)?bearer\s+(?:fiq_[^\s"'<>;,]*|[\w.~+/=-]{16,})/gi;
/** Anything shaped like a FlowIQ key; FlowIQ's hint "(fiq_...)" is too short to match. */
const FIQ_KEY = /fiq_[\w-]{8,}/g;

/**
 * `text` without the API key, any FlowIQ-shaped key and any bearer token. Every text taken from
 * an answer goes through this: a server or proxy may echo the request's headers back.
 */
export function redactSecrets(text: string, apiKey?: string): string {
	// Whole headers first, so no "Authorization: Bearer" is left around a redacted key.
	const redacted = text.replace(BEARER, REDACTED).replace(FIQ_KEY, REDACTED);
	const key = apiKey?.trim();
	return key ? redacted.split(key).join(REDACTED) : redacted;
}

/** `value` with every string in it, at any depth, passed through `redactSecrets`. */
export function redactDeep<T>(value: T, apiKey?: string): T {
	if (typeof value === 'string') return redactSecrets(value, apiKey) as T;
	if (Array.isArray(value)) return value.map((entry) => redactDeep(entry, apiKey)) as T;
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).map(([name, entry]) => [name, redactDeep(entry, apiKey)]),
		) as T;
	}
	return value;
}
