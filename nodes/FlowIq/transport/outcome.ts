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

/** What one answer from `POST /contact` means for the item that caused it. */
export type ApiOutcome =
	| { kind: 'created'; contact: IDataObject }
	| { kind: 'duplicate'; existingContact: ExistingContact; message: string }
	| { kind: 'invalid'; reason: InvalidReason; error: string; message: string }
	| { kind: 'retry'; status: number; error: string; message: string }
	| { kind: 'failed'; status: number; error: string; message: string; hint: string };

/** Statuses worth another try: FlowIQ is busy or a proxy in front of it hiccupped. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

function asObject(body: unknown): IDataObject {
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
	if (status === 404) {
		return 'Check the Tenant ID and Base URL in the FlowIQ API credential (Settings → Account Information in FlowIQ)';
	}
	if (status >= 500) {
		return 'FlowIQ had a problem on its side. Try again later; contacts already created stay created';
	}
	return 'Check the FlowIQ API credential and the node’s settings';
}

/** A 3xx: FlowIQ points elsewhere. Never followed, since the key would go wherever it points. */
export function isRedirect(status: number): boolean {
	return status >= 300 && status < 400;
}

/** What one answer means. `location` is the answer's Location header, named when it redirects. */
export function classifyResponse(status: number, body: unknown, location?: unknown): ApiOutcome {
	const fields = asObject(body);
	if (status >= 200 && status < 300 && fields.contact && typeof fields.contact === 'object') {
		return { kind: 'created', contact: fields.contact as IDataObject };
	}
	const { error, message } = errorWords(status, body);
	if (status === 409) {
		return {
			kind: 'duplicate',
			existingContact: asObject(fields.existing_contact) as ExistingContact,
			message,
		};
	}
	if (status === 400 || status === 422) {
		const reason: InvalidReason = error === 'Invalid WhatsApp number' ? 'not_on_whatsapp' : 'rejected';
		return { kind: 'invalid', reason, error, message };
	}
	if (RETRYABLE_STATUSES.has(status)) return { kind: 'retry', status, error, message };
	if (isRedirect(status)) {
		return {
			kind: 'failed',
			status,
			error: 'Redirected',
			message: `the request was pointed to ${typeof location === 'string' && location ? location : 'another address'}; the node does not follow redirects, so the API key only goes to the Base URL`,
			hint: 'Check the Base URL in the FlowIQ API credential: if FlowIQ has moved, enter its new address there',
		};
	}
	if (status >= 200 && status < 300) {
		return {
			kind: 'failed',
			status,
			error: 'Unexpected answer',
			message: `FlowIQ answered ${status} without the created contact`,
			hint: 'Check that the Base URL in the FlowIQ API credential points at the FlowIQ API',
		};
	}
	return { kind: 'failed', status, error, message, hint: hintFor(status, error) };
}

/** True for failures that will hit every item alike (credential, organisation or Base URL problems). */
export function affectsEveryItem(status: number): boolean {
	return isRedirect(status) || status === 401 || status === 403 || status === 404;
}
