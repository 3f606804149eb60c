import type { IDataObject } from 'n8n-workflow';

import type { InvalidReason } from '../helpers/contactInput';

/** FlowIQ's error body: `{ error, message }`, sometimes with `success: false` and `details`. */
export interface FlowIqErrorBody {
	error: string;
	message: string;
}

export interface ExistingContact extends IDataObject {
	id: string;
	full_name: string | null;
	whatsapp_id: string;
}

/** How a request ended once the transport stopped retrying it. */
export type Exchanged = (
	/** FlowIQ's last answer; `gaveUp` when it was one worth retrying but the tries ran out. */
	| { kind: 'answer'; status: number; body: unknown; headers: IDataObject; gaveUp: boolean }
	/** No answer arrived: the request may or may not have been carried out. */
	| { kind: 'noAnswer'; timedOut: boolean; code: string }
	/** `sent`: a request had gone out before the execution was cancelled. */
	| { kind: 'cancelled'; sent: boolean }
) & {
	attempts: number;
	/** Some attempt may have been carried out by FlowIQ although its answer was lost. */
	uncertainAttempt: boolean;
};

/** What went wrong, in FlowIQ's words where it gave any, and what the user can do about it. */
export interface Failure {
	status: number;
	error: string;
	message: string;
	hint: string;
}

/** What one answer from `POST /contact` means for the item that caused it. */
export type ApiOutcome =
	| { kind: 'created'; contact: IDataObject }
	| { kind: 'duplicate'; existingContact: ExistingContact; message: string }
	| { kind: 'invalid'; reason: InvalidReason; error: string; message: string }
	| ({ kind: 'failed' } & Failure);

/** An answer body as an object: JSON text parsed, anything else an empty object (or the text as `message`). */
export function asObject(body: unknown): IDataObject {
	if (typeof body === 'string') {
		try {
			return asObject(JSON.parse(body));
		} catch {
			return { message: body.slice(0, 300) };
		}
	}
	return body && typeof body === 'object' && !Array.isArray(body) ? (body as IDataObject) : {};
}

/** FlowIQ's own words, with a plain fallback when a proxy answered instead of FlowIQ. */
export function errorWords(status: number, body: unknown): FlowIqErrorBody {
	const fields = asObject(body);
	const error = typeof fields.error === 'string' && fields.error ? fields.error : `HTTP ${status}`;
	const message = typeof fields.message === 'string' && fields.message ? fields.message : error;
	return { error, message };
}

function hintFor(status: number, error: string): string {
	if (status === 401 || status === 403) {
		return error === 'API key mismatch'
			? 'Check that the Tenant ID in the FlowIQ API credential belongs to the same organisation as the API key'
			: 'Check the API key in the FlowIQ API credential: copy a fresh fiq_ key from the FlowIQ dashboard';
	}
	if (/^shopify order not found/i.test(error)) {
		return 'Check the Shopify Order ID: FlowIQ found no such order in the Shopify store connected to it';
	}
	if (status === 404 || error === 'Tenant ID is required') {
		return 'Check the Tenant ID and Base URL in the FlowIQ API credential (Settings → Account Information in FlowIQ)';
	}
	if (status === 429) return 'FlowIQ is rate limiting this key: lower Max Concurrency, or spread the run out';
	if (status >= 500) return 'FlowIQ had a problem on its side: try again later';
	return 'Check the FlowIQ API credential and the node’s settings';
}

/** A 3xx: FlowIQ points elsewhere. Never followed, since the key would go wherever it points. */
export function isRedirect(status: number): boolean {
	return status >= 300 && status < 400;
}

/**
 * Why an answer is not a success, for any endpoint. `location` is the answer's Location header,
 * named when FlowIQ redirects; `attempts` is said when the node tried more than once.
 */
export function failureOf(status: number, body: unknown, { location, attempts = 1 }: { location?: unknown; attempts?: number } = {}): Failure {
	if (isRedirect(status)) {
		return {
			status,
			error: 'Redirected',
			message: `the request was pointed to ${typeof location === 'string' && location ? location : 'another address'}; the node does not follow redirects, so the API key only goes to the Base URL`,
			hint: 'Check the Base URL in the FlowIQ API credential: if FlowIQ has moved, enter its new address there',
		};
	}
	if (status >= 200 && status < 300) {
		return {
			status,
			error: 'Unexpected answer',
			message: `FlowIQ answered ${status} without the data the node asked for`,
			hint: 'Check that the Base URL in the FlowIQ API credential points at the FlowIQ API',
		};
	}
	const { error, message } = errorWords(status, body);
	const tries = attempts > 1 ? ` (gave up after ${attempts} attempts)` : '';
	return { status, error, message: `${message}${tries}`, hint: hintFor(status, error) };
}

/** What one answer to `POST /contact` means. */
export function classifyResponse(status: number, body: unknown, details: { location?: unknown; attempts?: number } = {}): ApiOutcome {
	const fields = asObject(body);
	if (status >= 200 && status < 300 && fields.contact && typeof fields.contact === 'object') {
		return { kind: 'created', contact: fields.contact as IDataObject };
	}
	if (status === 409) {
		return {
			kind: 'duplicate',
			existingContact: asObject(fields.existing_contact) as ExistingContact,
			message: errorWords(status, body).message,
		};
	}
	if (status === 400 || status === 422) {
		const { error, message } = errorWords(status, body);
		const reason: InvalidReason = error === 'Invalid WhatsApp number' ? 'not_on_whatsapp' : 'rejected';
		return { kind: 'invalid', reason, error, message };
	}
	return { kind: 'failed', ...failureOf(status, body, details) };
}

/** FlowIQ's "no such contact" errors ("Contact not found", "Contact not found for the provided phone number"). */
export function isContactNotFound(status: number, body: unknown): boolean {
	return status === 404 && /^contact not found/i.test(errorWords(status, body).error);
}

/**
 * An answer that says the server has no such route: older FlowIQ revisions have no `GET /contact`
 * and answer it like any unknown URL (a 404 that is no "Contact not found", or a 405). An unknown
 * tenant is a 404 too, on every revision: that one the user must fix.
 */
export function isMissingRoute(status: number, body: unknown): boolean {
	if (status === 405) return true;
	if (status !== 404 || isContactNotFound(status, body)) return false;
	return !/organi[sz]ation not found/i.test(errorWords(status, body).error);
}

/**
 * True for failures that will hit every item alike: credential, Tenant ID, organisation or Base URL problems.
 * A 404 about one contact or one order (`error` says which) is the item's own.
 */
export function affectsEveryItem(status: number, error = ''): boolean {
	if (status === 404) return !/^(contact|shopify order) not found/i.test(error);
	if (error === 'Tenant ID is required') return true;
	return isRedirect(status) || status === 401 || status === 403;
}

/**
 * Network error codes in words. n8n replaces any error message that names such a code with a
 * generic text of its own, which would lose what the node says happened and what to do.
 */
const NETWORK_CODES: Record<string, string> = {
	ECONNRESET: 'the connection was reset',
	ECONNREFUSED: 'the connection was refused',
	ECONNABORTED: 'the connection was aborted',
	EPIPE: 'the connection was closed',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be looked up',
	EHOSTUNREACH: 'the host cannot be reached',
	ETIMEDOUT: 'the connection timed out',
};

function networkCodeInWords(code: string): string {
	return NETWORK_CODES[code] ?? (/^E[A-Z_]+$/.test(code) ? `error ${code.slice(1).toLowerCase()}` : code);
}

/** What to tell the user when no answer came: `consequence` says what may have happened meanwhile. */
export function noAnswerFailure(
	failure: { timedOut: boolean; code: string },
	timeout: number,
	consequence: string,
): { error: string; message: string; hint: string } {
	return failure.timedOut
		? {
				error: 'Timed out',
				message: `FlowIQ did not answer within ${timeout} ms${consequence}`,
				hint: 'Raise Timeout in the node options if FlowIQ is slow, or try again later',
			}
		: {
				error: 'Network error',
				message: `The connection to FlowIQ failed (${networkCodeInWords(failure.code)})${consequence}`,
				hint: 'Check the Base URL in the FlowIQ API credential and this machine’s network',
			};
}

/** Why a request brought no answer the operation can use, with what the user can do. */
export type Problem = Omit<Failure, 'status'> & { status?: number };

/**
 * The problem behind an answer that is not the success asked for, or behind a missing answer.
 * `consequence` says what may have happened all the same (empty for reads, which change nothing).
 */
export function problemOf(
	exchanged: Exclude<Exchanged, { kind: 'cancelled' }>,
	timeout: number,
	consequence = '',
): Problem {
	if (exchanged.kind === 'answer') {
		return failureOf(exchanged.status, exchanged.body, { location: exchanged.headers.location, attempts: exchanged.attempts });
	}
	const tries = exchanged.attempts > 1 ? ` (gave up after ${exchanged.attempts} attempts)` : '';
	const words = noAnswerFailure(exchanged, timeout, consequence);
	return { ...words, message: `${words.message}${tries}` };
}
