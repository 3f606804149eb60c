import { ALL_EVENTS, EVENT_TYPES, readEvent, sayBack, typesToRegister } from '../../nodes/FlowIqTrigger/events';

/** A message_received event as FlowIQ's webhook page documents it. */
const RECEIVED = {
	event_type: 'message_received',
	whatsapp_id: '27825550100',
	organization_id: 'a0000000-0000-4000-8000-000000000001',
	timestamp: '2026-03-08T10:00:00.000Z',
	whatsapp_message_id: 'wamid.abc',
	message_type: 'text',
	message: 'Hi there',
	media_type: null,
	media_url: null,
	file_name: null,
	contact_id: 'c0000000-0000-4000-8000-000000000001',
	reply_context_id: null,
	location_data: null,
};

describe('typesToRegister', () => {
	it.each([
		[['message_received'], ['message_received']],
		[['message_read', 'message_delivered', 'message_read'], ['message_delivered', 'message_read']],
		[['message_received', ALL_EVENTS], [ALL_EVENTS]],
		[[...EVENT_TYPES], [ALL_EVENTS]],
		['message_failed', ['message_failed']],
		[['made_up', 7, null], []],
		[[], []],
		[undefined, []],
	])('%j → %j', (chosen, types) => {
		expect(typesToRegister(chosen)).toEqual(types);
	});
});

describe('readEvent', () => {
	it('accepts a chosen event as one item: FlowIQ’s fields untouched, plus the E.164 phone_number', () => {
		expect(readEvent(RECEIVED, ['message_received'])).toEqual({ kind: 'accepted', item: { ...RECEIVED, phone_number: '+27825550100' } });
	});

	it('accepts every event when the registration is for all of them, including types FlowIQ adds later', () => {
		expect(readEvent({ ...RECEIVED, event_type: 'message_read', status: 'read' }, [ALL_EVENTS])).toMatchObject({ kind: 'accepted' });
		expect(readEvent({ event_type: 'reaction_added', whatsapp_id: 447700900123 }, [ALL_EVENTS])).toEqual({
			kind: 'accepted',
			item: { event_type: 'reaction_added', whatsapp_id: 447700900123, phone_number: '+447700900123' },
		});
	});

	it('ignores a well-formed event of a type not chosen', () => {
		expect(readEvent({ ...RECEIVED, event_type: 'message_read' }, ['message_received', 'message_failed'])).toEqual({ kind: 'ignored', eventType: 'message_read' });
	});

	it.each([
		['no whatsapp_id (sent_message of the older revision)', { event_type: 'sent_message', id: 'm1' }, null],
		['a whatsapp_id that is no possible number', { event_type: 'message_received', whatsapp_id: '12' }, null],
		['a web visitor id', { event_type: 'message_received', whatsapp_id: 'visitor-7f3a' }, null],
		['a whatsapp_id with a plus', { event_type: 'message_received', whatsapp_id: '+27 82 555 0100' }, '+27825550100'],
	])('gives phone_number for %s', (_case, event, phone) => {
		expect(readEvent(event, [ALL_EVENTS])).toEqual({ kind: 'accepted', item: { ...event, phone_number: phone } });
	});

	it('keeps a phone_number the event carries itself', () => {
		const event = { event_type: 'call', phone_number: '27825550100', phone_number_id: '1' };
		expect(readEvent(event, [ALL_EVENTS])).toEqual({ kind: 'accepted', item: event });
	});

	it.each([
		['a string', 'event_type=message_received', 'The body must be a JSON object: a FlowIQ event'],
		['an array', [RECEIVED], 'The body must be a JSON object: a FlowIQ event'],
		['null', null, 'The body must be a JSON object: a FlowIQ event'],
		['an object without event_type', { whatsapp_id: '27825550100' }, 'The body has no event_type: it is not a FlowIQ event'],
		['an empty event_type', { event_type: ' ' }, 'The body has no event_type: it is not a FlowIQ event'],
		['an event_type that is no text', { event_type: 3 }, 'The body has no event_type: it is not a FlowIQ event'],
	])('refuses %s', (_case, body, message) => {
		expect(readEvent(body, [ALL_EVENTS])).toEqual({ kind: 'invalid', message });
	});

	it('does not change the body it reads', () => {
		const body = structuredClone(RECEIVED);
		readEvent(body, [ALL_EVENTS]);
		expect(body).toEqual(RECEIVED);
	});
});

describe('sayBack', () => {
	it('takes the secret and FlowIQ-shaped keys out, and cuts long values short', () => {
		expect(sayBack('x-s3cr3t-value-y', 's3cr3t-value')).toBe('x-[redacted]-y');
		expect(sayBack('fiq_obviously_fake_test_key', undefined)).toBe('[redacted]');
		expect(sayBack('a'.repeat(150), 'zz')).toBe(`${'a'.repeat(100)}…`);
	});
});
