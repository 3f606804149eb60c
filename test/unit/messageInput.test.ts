import type { INodeProperties } from 'n8n-workflow';

import { description as sendFields } from '../../nodes/FlowIq/actions/message/send.operation';
import { cleanPhone } from '../../nodes/FlowIq/helpers/contactInput';
import {
	FIELDS_BY_TYPE,
	MESSAGE_TYPES,
	SEND_LIMITS,
	buildSendBody,
	countCharacters,
	type InteractiveButtonsBody,
	type RawSendInput,
	type SendInputReason,
	type SendRequestBody,
} from '../../nodes/FlowIq/helpers/messageInput';

const PHONE = '+27 82 123 4567';
const E164 = '+27821234567';

function build(fields: Partial<RawSendInput>, defaultCountry?: string) {
	return buildSendBody({ phoneNumber: PHONE, messageType: 'text', ...fields }, defaultCountry);
}

function expectProblem(fields: Partial<RawSendInput>, reason: SendInputReason, message: string | RegExp) {
	const result = build(fields);
	expect(result).toMatchObject({ ok: false, reason });
	if (typeof message === 'string') expect(!result.ok && result.message).toBe(message);
	else expect(!result.ok && result.message).toMatch(message);
}

/** The body built from the fields; fails the test when the fields are refused. */
function bodyOf(fields: Partial<RawSendInput>): SendRequestBody {
	const result = build(fields);
	if (!result.ok) throw new Error(`Expected a body, got ${result.reason}: ${result.message}`);
	return result.value;
}

const a = (count: number) => 'a'.repeat(count);

const buttonsInput = (buttons: unknown, extra: Partial<RawSendInput> = {}): Partial<RawSendInput> => ({
	messageType: 'buttons',
	bodyText: 'Confirm your booking?',
	buttons,
	...extra,
});

const listInput = (rows: unknown, extra: Partial<RawSendInput> = {}): Partial<RawSendInput> => ({
	messageType: 'list',
	bodyText: 'Pick a time',
	buttonText: 'See times',
	listRows: rows,
	...extra,
});

describe('buildSendBody: one happy path per message type', () => {
	it('text keeps its line breaks and inner spacing, trimmed at the ends', () => {
		expect(build({ text: '  Hi Jane,\n\nyour order  has shipped \n' })).toEqual({
			ok: true,
			value: { phone_number: E164, message_type: 'text', text: 'Hi Jane,\n\nyour order  has shipped' },
		});
	});

	it('reads the number in the default country', () => {
		expect(build({ phoneNumber: '082 123 4567', text: 'Hi' }, 'ZA')).toMatchObject({
			ok: true,
			value: { phone_number: E164 },
		});
	});

	it('image with a caption', () => {
		expect(build({ messageType: 'image', mediaUrl: ' https://example.com/a.jpg ', caption: 'Line 1\nLine 2' })).toEqual({
			ok: true,
			value: {
				phone_number: E164,
				message_type: 'image',
				media_url: 'https://example.com/a.jpg',
				caption: 'Line 1\nLine 2',
			},
		});
	});

	it('video without a caption leaves caption out', () => {
		expect(build({ messageType: 'video', mediaUrl: 'https://example.com/v.mp4', caption: '  ' })).toEqual({
			ok: true,
			value: { phone_number: E164, message_type: 'video', media_url: 'https://example.com/v.mp4' },
		});
	});

	it('audio ignores caption and file name', () => {
		expect(
			build({ messageType: 'audio', mediaUrl: 'http://example.com/a.ogg', caption: 'x', fileName: 'a.ogg' }),
		).toEqual({
			ok: true,
			value: { phone_number: E164, message_type: 'audio', media_url: 'http://example.com/a.ogg' },
		});
	});

	it('document with caption and file name', () => {
		expect(
			build({
				messageType: 'document',
				mediaUrl: 'https://example.com/i.pdf?sig=a%20b',
				caption: 'Your invoice',
				fileName: ' invoice  1042.pdf ',
			}),
		).toEqual({
			ok: true,
			value: {
				phone_number: E164,
				message_type: 'document',
				media_url: 'https://example.com/i.pdf?sig=a%20b',
				caption: 'Your invoice',
				filename: 'invoice 1042.pdf',
			},
		});
	});

	it('location, with name and address', () => {
		expect(
			build({
				messageType: 'location',
				latitude: -33.924869,
				longitude: 18.424055,
				locationName: 'Office',
				address: '1 Long Street,\nCape Town',
			}),
		).toEqual({
			ok: true,
			value: {
				phone_number: E164,
				message_type: 'location',
				location: { latitude: -33.924869, longitude: 18.424055, name: 'Office', address: '1 Long Street, Cape Town' },
			},
		});
	});

	it('location without name and address leaves them out', () => {
		expect(build({ messageType: 'location', latitude: 0, longitude: 18.4, locationName: '', address: null })).toEqual({
			ok: true,
			value: { phone_number: E164, message_type: 'location', location: { latitude: 0, longitude: 18.4 } },
		});
	});

	it('refuses a location at 0, 0: both fields left at their defaults', () => {
		expect(build({ messageType: 'location', latitude: 0, longitude: '0' })).toEqual({
			ok: false,
			reason: 'invalid_location',
			message: 'Latitude and Longitude are both 0: set the location’s coordinates',
		});
	});

	it('contacts: one card per entry; a card without first and last name sends the formatted name as first name', () => {
		expect(
			build({
				messageType: 'contacts',
				contactCards: {
					contact: [
						{ formattedName: 'Jane Smith', firstName: 'Jane', lastName: 'Smith', phone: '+27 82 123 4567', phoneType: 'WORK' },
						{ formattedName: ' Acme  Support ', phone: '0800 123 456' },
					],
				},
			}),
		).toEqual({
			ok: true,
			value: {
				phone_number: E164,
				message_type: 'contacts',
				contacts: [
					{
						name: { formatted_name: 'Jane Smith', first_name: 'Jane', last_name: 'Smith' },
						phones: [{ phone: '+27 82 123 4567', type: 'WORK' }],
					},
					{
						name: { formatted_name: 'Acme Support', first_name: 'Acme Support' },
						phones: [{ phone: '0800 123 456', type: 'CELL' }],
					},
				],
			},
		});
	});

	it('buttons: interactive/button with header, footer and buttons in order', () => {
		expect(
			build(
				buttonsInput(
					{ button: [{ title: 'Yes', id: 'yes' }, { title: 'No' }, { title: 'Later', id: '' }] },
					{ interactiveOptions: { header: 'Booking', footer: 'Reply STOP to opt out' } },
				),
			),
		).toEqual({
			ok: true,
			value: {
				phone_number: E164,
				message_type: 'interactive',
				interactive: {
					type: 'button',
					body: 'Confirm your booking?',
					header: 'Booking',
					footer: 'Reply STOP to opt out',
					buttons: [
						{ id: 'yes', title: 'Yes' },
						{ id: 'button_2', title: 'No' },
						{ id: 'button_3', title: 'Later' },
					],
				},
			},
		});
	});

	it('buttons with a document header', () => {
		const body = bodyOf(
			buttonsInput(
				{ button: [{ title: 'OK' }] },
				{
					interactiveOptions: {
						headerMediaType: 'document',
						headerMediaUrl: 'https://example.com/b.pdf',
						headerMediaFileName: 'booking.pdf',
					},
				},
			),
		);
		expect(body.interactive).toEqual({
			type: 'button',
			body: 'Confirm your booking?',
			header_media: { type: 'document', url: 'https://example.com/b.pdf', filename: 'booking.pdf' },
			buttons: [{ id: 'button_1', title: 'OK' }],
		});
	});

	it('buttons with a document header and no file name leave filename out', () => {
		const body = bodyOf(
			buttonsInput(
				{ button: [{ title: 'OK' }] },
				{ interactiveOptions: { headerMediaType: 'document', headerMediaUrl: 'https://example.com/b.pdf', headerMediaFileName: ' ' } },
			),
		);
		expect((body.interactive as InteractiveButtonsBody).header_media).toEqual({ type: 'document', url: 'https://example.com/b.pdf' });
	});

	it('buttons with an image header leave the file name out', () => {
		const body = bodyOf(
			buttonsInput(
				{ button: [{ title: 'OK' }] },
				{ interactiveOptions: { headerMediaType: 'image', headerMediaUrl: 'https://example.com/b.jpg', headerMediaFileName: 'b.jpg' } },
			),
		);
		expect(body.interactive).toMatchObject({ header_media: { type: 'image', url: 'https://example.com/b.jpg' } });
		expect((body.interactive as { header_media: object }).header_media).not.toHaveProperty('filename');
	});

	it('list: rows with the same section title form one section, in order of first appearance', () => {
		expect(
			build(
				listInput(
					{
						row: [
							{ section: 'Tuesday', title: '9:00', description: 'With Dr Naidoo' },
							{ section: 'Wednesday', title: '10:00', id: 'wed_10' },
							{ section: ' Tuesday ', title: '11:00' },
						],
					},
					{ interactiveOptions: { header: 'Appointments', footer: 'Times are SAST' } },
				),
			),
		).toEqual({
			ok: true,
			value: {
				phone_number: E164,
				message_type: 'interactive',
				interactive: {
					type: 'list',
					body: 'Pick a time',
					header: 'Appointments',
					footer: 'Times are SAST',
					button: 'See times',
					sections: [
						{
							title: 'Tuesday',
							rows: [
								{ id: 'row_1', title: '9:00', description: 'With Dr Naidoo' },
								{ id: 'row_3', title: '11:00' },
							],
						},
						{ title: 'Wednesday', rows: [{ id: 'wed_10', title: '10:00' }] },
					],
				},
			},
		});
	});

	it('list: one untitled section has no title key', () => {
		expect(bodyOf(listInput({ row: [{ title: 'A' }, { title: 'B' }] })).interactive).toEqual({
			type: 'list',
			body: 'Pick a time',
			button: 'See times',
			sections: [{ rows: [{ id: 'row_1', title: 'A' }, { id: 'row_2', title: 'B' }] }],
		});
	});

	it('list ignores header media: WhatsApp lists take a text header only', () => {
		const body = bodyOf(
			listInput({ row: [{ title: 'A' }] }, { interactiveOptions: { headerMediaType: 'image', headerMediaUrl: 'not a url' } }),
		);
		expect(body.interactive).not.toHaveProperty('header_media');
	});

	it('reaction with the default emoji, ignoring Reply To Message ID', () => {
		expect(build({ messageType: 'reaction', messageId: ' wamid.ABC ', emoji: '', replyToMessageId: 'wamid.X' })).toEqual({
			ok: true,
			value: { phone_number: E164, message_type: 'reaction', reaction: { message_id: 'wamid.ABC', emoji: '👍' } },
		});
	});

	it('reaction with a chosen emoji', () => {
		expect(build({ messageType: 'reaction', messageId: 'wamid.ABC', emoji: '❤️' })).toMatchObject({
			ok: true,
			value: { reaction: { message_id: 'wamid.ABC', emoji: '❤️' } },
		});
	});
});

describe('Reply To Message ID', () => {
	it.each(['text', 'image', 'location', 'buttons'])('becomes context_message_id for %s', (messageType) => {
		const result = buildSendBody(
			{
				phoneNumber: PHONE,
				messageType,
				text: 'Hi',
				mediaUrl: 'https://example.com/a.jpg',
				latitude: 1,
				longitude: 2,
				bodyText: 'Body',
				buttons: { button: [{ title: 'OK' }] },
				replyToMessageId: ' wamid.HBg= ',
			},
			undefined,
		);
		expect(result).toMatchObject({ ok: true, value: { context_message_id: 'wamid.HBg=' } });
	});

	it.each([[''], ['   '], [null], [undefined]])('is left out when %p', (replyToMessageId) => {
		expect(bodyOf({ text: 'Hi', replyToMessageId })).not.toHaveProperty('context_message_id');
	});

	it('is never sent with a reaction', () => {
		expect(bodyOf({ messageType: 'reaction', messageId: 'wamid.A', replyToMessageId: 'wamid.B' })).not.toHaveProperty(
			'context_message_id',
		);
	});

	it('must be text', () => {
		expectProblem({ text: 'Hi', replyToMessageId: ['wamid.A'] }, 'invalid_field', 'Reply To Message ID must be text, but got a list');
	});
});

describe('documented limits, at the boundary', () => {
	type Case = [string, number, (text: string) => Partial<RawSendInput>, string];
	const cases: Case[] = [
		['Button 2 title', SEND_LIMITS.buttonTitle, (t) => buttonsInput({ button: [{ title: 'OK' }, { title: t }] }), 'Button 2 title'],
		['Body Text (buttons)', SEND_LIMITS.bodyText, (t) => buttonsInput({ button: [{ title: 'OK' }] }, { bodyText: t }), 'Body Text'],
		['Body Text (list)', SEND_LIMITS.bodyText, (t) => listInput({ row: [{ title: 'A' }] }, { bodyText: t }), 'Body Text'],
		['Header', SEND_LIMITS.header, (t) => buttonsInput({ button: [{ title: 'OK' }] }, { interactiveOptions: { header: t } }), 'Header'],
		['Footer', SEND_LIMITS.footer, (t) => listInput({ row: [{ title: 'A' }] }, { interactiveOptions: { footer: t } }), 'Footer'],
		['Button Text', SEND_LIMITS.listButtonText, (t) => listInput({ row: [{ title: 'A' }] }, { buttonText: t }), 'Button Text'],
		['Row section title', SEND_LIMITS.sectionTitle, (t) => listInput({ row: [{ title: 'A', section: t }] }), 'Row 1 section title'],
		['Row title', SEND_LIMITS.rowTitle, (t) => listInput({ row: [{ title: 'A' }, { title: t }] }), 'Row 2 title'],
		['Row description', SEND_LIMITS.rowDescription, (t) => listInput({ row: [{ title: 'A', description: t }] }), 'Row 1 description'],
	];

	it.each(cases)('%s: %i characters pass', (_name, max, input) => {
		expect(build(input(a(max)))).toMatchObject({ ok: true });
	});

	it.each(cases)('%s: %i + 1 characters fail, naming the field and the limit', (_name, max, input, label) => {
		expectProblem(input(a(max + 1)), 'text_too_long', `${label} is ${max + 1} characters: FlowIQ allows at most ${max}`);
	});

	it('gives the message the issue asks for', () => {
		expectProblem(
			buttonsInput({ button: [{ title: 'OK' }, { title: a(23) }] }),
			'text_too_long',
			'Button 2 title is 23 characters: FlowIQ allows at most 20',
		);
	});

	it('3 buttons pass, 4 fail', () => {
		const buttons = (count: number) => ({ button: Array.from({ length: count }, (_, i) => ({ title: `B${i}` })) });
		expect(build(buttonsInput(buttons(3)))).toMatchObject({ ok: true });
		expectProblem(buttonsInput(buttons(4)), 'too_many_items', 'Buttons holds 4 buttons: FlowIQ allows at most 3');
	});

	it('10 sections pass, 11 fail', () => {
		const rows = (count: number) => ({ row: Array.from({ length: count }, (_, i) => ({ section: `S${i}`, title: 'A' })) });
		expect(build(listInput(rows(10)))).toMatchObject({ ok: true });
		expectProblem(
			listInput(rows(11)),
			'too_many_items',
			'List Rows has 11 section titles: FlowIQ allows at most 10 sections (rows with the same section title form one)',
		);
	});

	it('does not limit the number of rows or the length of a text message', () => {
		expect(build(listInput({ row: Array.from({ length: 25 }, (_, i) => ({ title: `R${i}` })) }))).toMatchObject({ ok: true });
		expect(build({ text: a(5000) })).toMatchObject({ ok: true });
	});

	it.each([
		[90, 180],
		[-90, -180],
		['90', '-180.0'],
	])('latitude %p and longitude %p are in range', (latitude, longitude) => {
		expect(build({ messageType: 'location', latitude, longitude })).toMatchObject({
			ok: true,
			value: { location: { latitude: Number(latitude), longitude: Number(longitude) } },
		});
	});

	it.each([
		[{ latitude: 90.000001, longitude: 0 }, 'Latitude is 90.000001: it must be from -90 to 90'],
		[{ latitude: -91, longitude: 0 }, 'Latitude is -91: it must be from -90 to 90'],
		[{ latitude: 0, longitude: 180.5 }, 'Longitude is 180.5: it must be from -180 to 180'],
		[{ latitude: 0, longitude: '-181' }, 'Longitude is -181: it must be from -180 to 180'],
	])('%p is out of range', (fields, message) => {
		expectProblem({ messageType: 'location', ...fields }, 'invalid_location', message);
	});
});

describe('every reason', () => {
	it('missing_phone and invalid_phone reuse cleanPhone’s messages', () => {
		expectProblem({ phoneNumber: ' ', text: 'Hi' }, 'missing_phone', 'Phone number is empty: map a field that holds it');
		const bad = cleanPhone('+27 82 ABC 4567');
		expectProblem({ phoneNumber: '+27 82 ABC 4567', text: 'Hi' }, 'invalid_phone', !bad.ok ? bad.message : 'unreachable');
	});

	it('checks the phone number before anything else', () => {
		expectProblem({ phoneNumber: '', messageType: 'nope' }, 'missing_phone', /Phone number is empty/);
	});

	it.each([
		['sticker', 'Message Type "sticker" is not one of text, image, video, audio, document, location, contacts, buttons, list, reaction'],
		['interactive', /Message Type "interactive" is not one of/],
		['', /^Message Type is empty: choose one of text, /],
		[null, /^Message Type is empty/],
		[3, /^Message Type "3" is not one of/],
	])('invalid_message_type for %p', (messageType, message) => {
		expectProblem({ messageType, text: 'Hi' }, 'invalid_message_type', message);
	});

	it('reads Message Type regardless of case and spaces', () => {
		expect(build(listInput({ row: [{ title: 'A' }] }, { messageType: ' LIST ' }))).toMatchObject({
			ok: true,
			value: { message_type: 'interactive' },
		});
	});

	it.each<[string, Partial<RawSendInput>, string]>([
		['text', { text: ' \n ' }, 'Text is empty: enter the message to send'],
		['text of invisible marks', { text: '\u200B\uFEFF' }, 'Text is empty: enter the message to send'],
		['media URL', { messageType: 'image', mediaUrl: '' }, 'Media URL is empty: enter a public https link to the file'],
		['body text', buttonsInput({ button: [{ title: 'OK' }] }, { bodyText: '' }), 'Body Text is empty: enter the message shown above the buttons'],
		['buttons ({})', buttonsInput({}), 'Buttons is empty: add at least one button (at most 3)'],
		['buttons ({ button: [] })', buttonsInput({ button: [] }), 'Buttons is empty: add at least one button (at most 3)'],
		['button title', buttonsInput({ button: [{ title: 'OK' }, { id: 'x', title: ' ' }] }), 'Button 2 title is empty: give every button a title'],
		['list button text', listInput({ row: [{ title: 'A' }] }, { buttonText: null }), 'Button Text is empty: enter the label of the button that opens the list'],
		['list rows', listInput(undefined), 'List Rows is empty: add at least one row'],
		['row title', listInput({ row: [{ title: '' }] }), 'Row 1 title is empty: give every row a title'],
		[
			'a section title, when there are several sections',
			listInput({ row: [{ section: 'A', title: 'x' }, { title: 'y' }, { title: 'z' }] }),
			'Row 2 section title is empty: when a list has more than one section, every row needs one',
		],
		['contact cards', { messageType: 'contacts', contactCards: { contact: [] } }, 'Contact Cards is empty: add at least one contact card'],
		[
			'a card’s formatted name',
			{ messageType: 'contacts', contactCards: { contact: [{ formattedName: '', phone: '1' }] } },
			'Contact card 1 formatted name is empty: enter the name to show',
		],
		[
			'a card’s phone',
			{ messageType: 'contacts', contactCards: { contact: [{ formattedName: 'A', phone: '1' }, { formattedName: 'B' }] } },
			'Contact card 2 phone is empty: enter the number to show on the card',
		],
		['message ID', { messageType: 'reaction', messageId: '' }, 'Message ID is empty: map the wamid of the message to react to'],
		[
			'header media URL',
			buttonsInput({ button: [{ title: 'OK' }] }, { interactiveOptions: { headerMediaType: 'image' } }),
			'Header Media URL is empty: enter a public https link, or remove Header Media Type',
		],
		[
			'header media type',
			buttonsInput({ button: [{ title: 'OK' }] }, { interactiveOptions: { headerMediaUrl: 'https://example.com/a.jpg' } }),
			'Header Media Type is empty: choose image, video or document for Header Media URL',
		],
	])('missing_field: %s', (_name, fields, message) => {
		expectProblem(fields, 'missing_field', message);
	});

	it.each<[string, Partial<RawSendInput>, string]>([
		['text as an object', { text: { body: 'Hi' } }, 'Text must be text, but got an object'],
		['text as a list', { text: ['Hi', 'there'] }, 'Text must be text, but got a list'],
		['text as a boolean', { text: true }, 'Text must be text, but got a boolean'],
		['caption as a list', { messageType: 'image', mediaUrl: 'https://e.com/a.jpg', caption: [] }, 'Caption must be text, but got a list'],
		['buttons as text', buttonsInput('Yes, No'), 'Buttons must be a list of entries, but got a string'],
		['a button that is not an object', buttonsInput({ button: [{ title: 'OK' }, 'No'] }), 'Buttons entry 2 must be an object, but got a string'],
		['a button ID as an object', buttonsInput({ button: [{ title: 'OK', id: { a: 1 } }] }), 'Button 1 ID must be text, but got an object'],
		[
			'an unknown phone type',
			{ messageType: 'contacts', contactCards: { contact: [{ formattedName: 'A', phone: '1', phoneType: 'fax' }] } },
			'Contact card 1 phone type "fax" is not one of CELL, MAIN, HOME, WORK, IPHONE',
		],
		[
			'an unknown header media type',
			buttonsInput({ button: [{ title: 'OK' }] }, { interactiveOptions: { headerMediaType: 'audio', headerMediaUrl: 'https://e.com/a.ogg' } }),
			'Header Media Type "audio" is not one of image, video, document',
		],
		[
			'a text header and a media header',
			buttonsInput({ button: [{ title: 'OK' }] }, { interactiveOptions: { header: 'Hi', headerMediaType: 'image', headerMediaUrl: 'https://e.com/a.jpg' } }),
			'Header and Header Media URL are both set: WhatsApp shows one header, so remove one',
		],
		['Header and Footer as text', buttonsInput({ button: [{ title: 'OK' }] }, { interactiveOptions: 'Hi' }), 'Header and Footer must be an object, but got a string'],
	])('invalid_field: %s', (_name, fields, message) => {
		expectProblem(fields, 'invalid_field', message);
	});

	it.each<[string, Partial<RawSendInput>, string]>([
		[
			'no scheme',
			{ messageType: 'image', mediaUrl: 'example.com/a.jpg' },
			'Media URL "example.com/a.jpg" is not a full URL: use a public link such as https://example.com/photo.jpg',
		],
		[
			'ftp',
			{ messageType: 'document', mediaUrl: 'ftp://example.com/a.pdf' },
			'Media URL "ftp://example.com/a.pdf" must start with https:// (FlowIQ downloads the file from it)',
		],
		[
			'a header media file URL',
			buttonsInput({ button: [{ title: 'OK' }] }, { interactiveOptions: { headerMediaType: 'image', headerMediaUrl: 'file:///tmp/a.jpg' } }),
			'Header Media URL "file:///tmp/a.jpg" must start with https:// (FlowIQ downloads the file from it)',
		],
	])('invalid_media_url: %s', (_name, fields, message) => {
		expectProblem(fields, 'invalid_media_url', message);
	});

	it.each<[string, Partial<RawSendInput>, string]>([
		['missing latitude', { longitude: 1 }, 'Latitude is empty: enter a number from -90 to 90'],
		['blank longitude', { latitude: 1, longitude: '  ' }, 'Longitude is empty: enter a number from -180 to 180'],
		['a decimal comma', { latitude: '-33,92', longitude: 1 }, 'Latitude "-33,92" is not a number: use digits and a decimal point, from -90 to 90'],
		['text', { latitude: 'north', longitude: 1 }, 'Latitude "north" is not a number: use digits and a decimal point, from -90 to 90'],
		['hexadecimal text', { latitude: '0x10', longitude: 1 }, 'Latitude "0x10" is not a number: use digits and a decimal point, from -90 to 90'],
		['NaN', { latitude: NaN, longitude: 1 }, 'Latitude "NaN" is not a number: use digits and a decimal point, from -90 to 90'],
		['a list', { latitude: 1, longitude: [18] }, 'Longitude "[18]" is not a number: use digits and a decimal point, from -180 to 180'],
	])('invalid_location: %s', (_name, fields, message) => {
		expectProblem({ messageType: 'location', ...fields }, 'invalid_location', message);
	});

	it('duplicate_id: two buttons with one ID', () => {
		expectProblem(
			buttonsInput({ button: [{ title: 'Yes', id: 'ok' }, { title: 'No', id: 'no' }, { title: 'Sure', id: ' ok ' }] }),
			'duplicate_id',
			'Buttons 1 and 3 have the same ID "ok": give each button its own ID',
		);
	});

	it('duplicate_id: explains an ID the node gave by default', () => {
		expectProblem(
			buttonsInput({ button: [{ title: 'Yes' }, { title: 'No', id: 'button_1' }] }),
			'duplicate_id',
			'Buttons 1 and 2 have the same ID "button_1": give each button its own ID (a button without an ID gets button_<its position>)',
		);
	});

	it('duplicate_id: row IDs must differ across sections too', () => {
		expectProblem(
			listInput({ row: [{ section: 'A', title: 'x', id: 'r' }, { section: 'B', title: 'y', id: 'r' }] }),
			'duplicate_id',
			'Rows 1 and 2 have the same ID "r": give each row its own ID',
		);
	});

	it('allows equal titles with different IDs', () => {
		expect(build(buttonsInput({ button: [{ title: 'OK' }, { title: 'OK' }] }))).toMatchObject({ ok: true });
	});
});

describe('values as expressions deliver them', () => {
	it('reads numbers and numeric strings', () => {
		expect(build({ messageType: 'location', latitude: ' -33.92 ', longitude: '+18.5', locationName: 42 })).toMatchObject({
			ok: true,
			value: { location: { latitude: -33.92, longitude: 18.5, name: '42' } },
		});
		expect(build({ text: 42 })).toMatchObject({ ok: true, value: { text: '42' } });
		expect(build(buttonsInput({ button: [{ title: 1, id: 7 }] }))).toMatchObject({
			ok: true,
			value: { interactive: { buttons: [{ id: '7', title: '1' }] } },
		});
	});

	it('treats null as empty', () => {
		expect(build({ messageType: 'image', mediaUrl: 'https://e.com/a.jpg', caption: null })).toEqual({
			ok: true,
			value: { phone_number: E164, message_type: 'image', media_url: 'https://e.com/a.jpg' },
		});
		expect(build({ messageType: 'reaction', messageId: 'wamid.A', emoji: null })).toMatchObject({
			value: { reaction: { emoji: '👍' } },
		});
		expect(build(buttonsInput({ button: [{ title: 'OK', id: null }] }, { interactiveOptions: null }))).toMatchObject({
			ok: true,
			value: { interactive: { buttons: [{ id: 'button_1', title: 'OK' }] } },
		});
	});

	it('accepts a plain list of entries, or a single entry, for a fixed collection', () => {
		expect(build(buttonsInput([{ title: 'A' }, { title: 'B' }]))).toMatchObject({
			ok: true,
			value: { interactive: { buttons: [{ id: 'button_1' }, { id: 'button_2' }] } },
		});
		expect(build({ messageType: 'contacts', contactCards: { contact: { formattedName: 'A', phone: '1' } } })).toMatchObject({
			ok: true,
			value: { contacts: [{ name: { formatted_name: 'A' } }] },
		});
	});

	it('reads a phone type in any case', () => {
		expect(
			build({ messageType: 'contacts', contactCards: { contact: [{ formattedName: 'A', phone: '1', phoneType: 'iphone' }] } }),
		).toMatchObject({ value: { contacts: [{ phones: [{ type: 'IPHONE' }] }] } });
	});

	it('reads only the fields of the chosen type', () => {
		expect(build({ text: 'Hi', mediaUrl: 'not a url', buttons: 'junk', latitude: 'x' })).toEqual({
			ok: true,
			value: { phone_number: E164, message_type: 'text', text: 'Hi' },
		});
	});
});

describe('Unicode', () => {
	it('counts an emoji as one character', () => {
		expect(countCharacters('👍')).toBe(1);
		expect('👍'.length).toBe(2);
		expect(build(buttonsInput({ button: [{ title: `${a(19)}👍` }] }))).toMatchObject({ ok: true });
		expectProblem(
			buttonsInput({ button: [{ title: `${a(20)}👍` }] }),
			'text_too_long',
			'Button 1 title is 21 characters: FlowIQ allows at most 20',
		);
	});

	it('counts each part of a joined emoji', () => {
		expect(countCharacters('👩\u200D💻')).toBe(3);
	});

	it('composes accents before counting, and sends the composed form', () => {
		const decomposed = 'Cafe\u0301'.repeat(5); // 25 code points, 20 once composed
		const { buttons } = bodyOf(buttonsInput({ button: [{ title: decomposed }] })).interactive as InteractiveButtonsBody;
		expect(buttons[0].title).toBe('Café'.repeat(5));
		expect(buttons[0].title).toHaveLength(20);
	});

	it('strips invisible marks but keeps joiners and line breaks in a text', () => {
		expect(build({ text: '\uFEFFHi\u200B there 👩\u200D💻\nBye' })).toMatchObject({
			value: { text: 'Hi there 👩\u200D💻\nBye' },
		});
	});

	it('folds line breaks in one-line fields', () => {
		expect(build(buttonsInput({ button: [{ title: 'Yes,\n  confirm' }] }))).toMatchObject({
			value: { interactive: { buttons: [{ title: 'Yes, confirm' }] } },
		});
	});
});

describe('the node’s fields and the body builder agree', () => {
	const fields = sendFields;

	it('offers exactly the message types the builder knows', () => {
		const messageType = fields.find((field) => field.name === 'messageType')!;
		const values = (messageType.options as Array<{ value: string }>).map((option) => option.value);
		expect([...values].sort()).toEqual([...MESSAGE_TYPES].sort());
	});

	it.each(Object.values(FIELDS_BY_TYPE).flat().filter((name, index, all) => all.indexOf(name) === index))(
		'shows %s for the message types that read it',
		(name) => {
			const field = fields.find((property: INodeProperties) => property.name === name)!;
			const readers = MESSAGE_TYPES.filter((type) => (FIELDS_BY_TYPE[type] as readonly string[]).includes(name));
			expect(field.displayOptions?.show).toEqual({ resource: ['message'], operation: ['send'], messageType: readers });
		},
	);

	it('hides Reply To Message ID for reactions', () => {
		const options = fields.find((field) => field.name === 'options')!.options as INodeProperties[];
		expect(options.find((option) => option.name === 'replyToMessageId')!.displayOptions).toEqual({
			hide: { '/messageType': ['reaction'] },
		});
	});
});
