import type { IDataObject } from 'n8n-workflow';

import { fixtures, freshPhone, pairedIndexes, runFlowIq, useSandbox } from './harness';

const sandbox = useSandbox();

const fast = { maxRetries: 2, timeout: 2000 };
const SEND_TEXT = { resource: 'message', operation: 'send', phoneNumber: '={{ $json.phone }}', messageType: 'text', text: '={{ $json.text }}' };
const EXISTING = '+27825550100';

type Settings = Parameters<typeof runFlowIq>[0]['settings'];

async function send(items: IDataObject[], { options = {}, parameters = {}, settings }: { options?: IDataObject; parameters?: IDataObject; settings?: Settings } = {}) {
	return await runFlowIq({ sandbox, items, parameters: { ...SEND_TEXT, ...parameters }, options: { ...fast, ...options }, settings });
}

describe('Message → Send', () => {
	it('sends a text and returns FlowIQ’s message ID, on one output', async () => {
		const { outputs, error } = await send([{ phone: '+27 82 555 0100', text: 'Hello Jane\nYour order shipped.' }]);
		expect(error).toBeUndefined();
		expect(outputs).toHaveLength(1);
		const [sent] = sandbox.sent('acme');
		expect(sent.body).toEqual({ phone_number: '+27825550100', message_type: 'text', text: 'Hello Jane\nYour order shipped.' });
		expect(outputs[0][0].json).toEqual({
			message_id: sent.message_id,
			recipient: '27825550100',
			message_type: 'text',
			phone_number: '+27825550100',
		});
	});

	it('builds interactive buttons from the fields, with a reply to an earlier message', async () => {
		await send([{ phone: EXISTING }], {
			parameters: {
				messageType: 'buttons',
				bodyText: 'Was your delivery on time?',
				buttons: { button: [{ title: 'Yes' }, { id: 'late', title: 'No, it was late' }] },
			},
			options: { replyToMessageId: 'wamid.earlier' },
		});
		expect(sandbox.sent('acme')[0].body).toEqual({
			phone_number: EXISTING,
			message_type: 'interactive',
			interactive: {
				type: 'button',
				body: 'Was your delivery on time?',
				buttons: [
					{ id: 'button_1', title: 'Yes' },
					{ id: 'late', title: 'No, it was late' },
				],
			},
			context_message_id: 'wamid.earlier',
		});
	});

	it('fails a message over a documented limit before any request, naming the limit', async () => {
		const { outputs } = await send([{ phone: EXISTING }], {
			parameters: {
				messageType: 'buttons',
				bodyText: 'Pick one',
				buttons: { button: [{ title: 'One' }, { title: 'Two' }, { title: 'Three' }, { title: 'Four' }] },
			},
			settings: { onError: 'continueErrorOutput' },
		});
		expect(outputs[1][0].json).toMatchObject({ error: expect.stringMatching(/4 buttons.*at most 3/i) });
		expect(sandbox.stats().requests).toBe(0);
	});

	it('tells the user to create an unknown contact first', async () => {
		const unknown = freshPhone();
		const { error } = await send([{ phone: unknown, text: 'Hi' }]);
		expect(error).toMatchObject({
			message: `FlowIQ has no contact with the number ${unknown}: the message was not sent`,
			description: 'Create the contact first with Contact → Create, or turn on Create Contact If Missing under Options',
		});
		expect(sandbox.sent('acme')).toEqual([]);
	});

	it('creates a missing contact by Create’s rules when asked, then sends', async () => {
		const unknown = freshPhone();
		const { outputs } = await send([{ phone: unknown, text: 'Welcome!' }], {
			options: { createContactIfMissing: true, newContactName: '  Jane   Smith ' },
		});
		expect(outputs[0][0].json).toMatchObject({ phone_number: unknown, contact_created: true });
		expect(sandbox.contacts('acme')).toContainEqual(expect.objectContaining({ full_name: 'Jane Smith', phone_number: unknown }));
		expect(sandbox.sent('acme')).toHaveLength(1);
	});

	it.each([
		['a 500', { status: 500, phase: 'after' }, 'FlowIQ answered 500 (Internal server error)'],
		['a 502', { status: 502, phase: 'after' }, 'FlowIQ answered 502 (Bad gateway)'],
		['a dropped connection', { kind: 'drop', phase: 'after' }, 'The connection to FlowIQ failed (the connection was reset)'],
	])('never resends after %s that may follow a delivered message', async (_label, fault, why) => {
		sandbox.failNext(fault, 1, 'POST /send-whatsapp');
		const { error } = await send([{ phone: EXISTING, text: 'Once only' }]);
		expect(error).toMatchObject({
			message: `${why}: the message may have been delivered, so the node does not send it again`,
			description: 'Check the conversation in FlowIQ (Conversation → Get Messages) before sending it again',
		});
		expect(sandbox.stats().requests).toBe(1);
		expect(sandbox.sent('acme')).toHaveLength(1);
	});

	it('retries a 429 and a 503, which FlowIQ answers before sending anything', async () => {
		sandbox.failNext({ status: 429, retryAfter: 0 }, 1, 'POST /send-whatsapp');
		sandbox.failNext({ status: 503 }, 1, 'POST /send-whatsapp');
		const { outputs } = await send([{ phone: EXISTING, text: 'Hi' }]);
		expect(outputs[0]).toHaveLength(1);
		expect(sandbox.stats().requests).toBe(3);
		expect(sandbox.sent('acme')).toHaveLength(1);
	});

	it('with n8n’s Retry On Fail, sends no message twice within the execution', async () => {
		const unknown = freshPhone();
		// Item 1 is delivered, item 2's answer is lost after FlowIQ sent it, item 3 fails (unknown contact).
		sandbox.failNext({ kind: 'drop', phase: 'after' }, 1, 'POST /send-whatsapp');
		const items = [
			{ phone: '+27825550200', text: 'First' },
			{ phone: EXISTING, text: 'Second' },
			{ phone: unknown, text: 'Third' },
		];
		await send(items, {
			options: { maxConcurrency: 1 },
			settings: { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 },
		});
		expect(sandbox.sent('acme').map((entry: IDataObject) => (entry.body as IDataObject).text).sort()).toEqual(['First', 'Second']);
	});

	it('stops at an organisation that cannot send, and says so for every item', async () => {
		const { outputs } = await runFlowIq({
			sandbox,
			items: [{ phone: EXISTING, text: 'a' }, { phone: EXISTING, text: 'b' }],
			parameters: SEND_TEXT,
			options: { ...fast, maxConcurrency: 1 },
			credentials: { apiKey: fixtures.KEYS.globex, tenantId: 'globex' },
			settings: { onError: 'continueRegularOutput' },
		});
		expect(outputs[0].map((item) => item.json.error)).toEqual([
			'FlowIQ answered 400 (Invalid provider): Organization must use Meta WhatsApp provider. Current: wati',
			'FlowIQ answered 400 (Invalid provider): Organization must use Meta WhatsApp provider. Current: wati',
		]);
		expect(sandbox.stats().requests).toBe(1);
		expect(pairedIndexes(outputs)).toEqual([[0, 1]]);
	});
});
