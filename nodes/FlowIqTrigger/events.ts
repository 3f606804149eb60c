import type { IDataObject } from 'n8n-workflow';

import { cleanPhone } from '../FlowIq/helpers/contactInput';
import { REDACTED, redactSecrets } from '../FlowIq/transport/redact';

/**
 * The event types `POST /set-webhooks` accepts (FlowIQ's webhook page), `all` aside. FlowIQ
 * documents the payload of each but `call`, whose description is commented out of its page.
 */
export const EVENT_TYPES = [
	'message_received',
	'message_sent',
	'sent_message',
	'message_delivered',
	'message_read',
	'message_failed',
	'call',
] as const;

/** One registration of this type receives every event. */
export const ALL_EVENTS = 'all';

/**
 * The types to register for the events chosen in the node: `all` alone when All Events or every
 * type is chosen, otherwise the chosen documented types, sorted and once each. Empty when nothing
 * usable was chosen.
 */
export function typesToRegister(chosen: unknown): string[] {
	const picked = new Set((Array.isArray(chosen) ? chosen : [chosen]).filter((value): value is string => typeof value === 'string'));
	if (picked.has(ALL_EVENTS) || EVENT_TYPES.every((type) => picked.has(type))) return [ALL_EVENTS];
	return EVENT_TYPES.filter((type) => picked.has(type)).sort();
}

/** What a request body means for the trigger. */
export type ReadEvent =
	/** Start one execution with this item. */
	| { kind: 'accepted'; item: IDataObject }
	/** A well-formed event of a type the trigger does not listen for. */
	| { kind: 'ignored'; eventType: string }
	/** Not a FlowIQ event: `message` says why, without echoing what was sent. */
	| { kind: 'invalid'; message: string };

function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The event in a webhook request's body, checked against the registered types (`all`, or a list).
 * An accepted event becomes one item: its fields as FlowIQ sent them, plus `phone_number`, the
 * E.164 form of `whatsapp_id` (null when the event has none that is a possible number), which
 * the FlowIQ node's operations take as it is. An event that carries a `phone_number` of its own
 * keeps it.
 */
export function readEvent(body: unknown, registeredTypes: readonly string[]): ReadEvent {
	if (!isPlainObject(body)) return { kind: 'invalid', message: 'The body must be a JSON object: a FlowIQ event' };
	const eventType = body.event_type;
	if (typeof eventType !== 'string' || eventType.trim() === '') {
		return { kind: 'invalid', message: 'The body has no event_type: it is not a FlowIQ event' };
	}
	if (!registeredTypes.includes(ALL_EVENTS) && !registeredTypes.includes(eventType)) return { kind: 'ignored', eventType };
	if (body.phone_number !== undefined) return { kind: 'accepted', item: { ...body } };
	return { kind: 'accepted', item: { ...body, phone_number: phoneOf(body.whatsapp_id) } };
}

/** `whatsapp_id` (digits with the country code) as E.164, or null. */
function phoneOf(whatsappId: unknown): string | null {
	if (typeof whatsappId !== 'string' && typeof whatsappId !== 'number') return null;
	const digits = String(whatsappId).replace(/\D/g, '');
	if (!digits) return null;
	const cleaned = cleanPhone(`+${digits}`);
	return cleaned.ok ? cleaned.value : null;
}

/**
 * A value from a request, fit to be said back in an answer: at most 100 characters, with the
 * registration's secret and anything shaped like a FlowIQ key removed.
 */
export function sayBack(value: string, secret: string | undefined): string {
	const redacted = redactSecrets(secret ? value.split(secret).join(REDACTED) : value);
	return redacted.length > 100 ? `${redacted.slice(0, 100)}…` : redacted;
}
