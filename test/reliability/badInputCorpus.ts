/**
 * Bad input the node must survive, each case with the outcome a user should get. The expected
 * E.164 numbers come from each country's numbering plan, not from the node's output.
 *
 * One run sends every case, in this order: a case expecting `duplicate` because of an earlier case
 * must come after it. Valid cases use numbers of their own; the sandbox treats numbers ending in
 * 0000 as "not on WhatsApp" and already holds +27 82 555 0100.
 *
 * SEND_INPUT_CORPUS, at the end, does the same for Message → Send: each case is run on its own.
 *
 * docs/bad-input.md lists every case; badInput.test.ts checks the two agree.
 */
import type { InvalidReason } from '../../nodes/FlowIq/helpers/contactInput';
import type { RawSendInput, SendInputReason, SendRequestBody } from '../../nodes/FlowIq/helpers/messageInput';

export type ExpectedOutput = 'created' | 'duplicate' | 'invalid';

export interface BadInputCase {
	/** Unique; also the row's first cell in docs/bad-input.md. */
	name: string;
	/** The item's fields, mapped to the node's Name, Phone Number, Email and Tags. Absent = field missing. */
	input: { name?: unknown; phone?: unknown; email?: unknown; tags?: unknown };
	/** The node's Default Country option for this item (mapped from the item); absent = not set. */
	defaultCountry?: string;
	/** The country whose real number format a phone case uses (ISO 3166 code). */
	country?: string;
	expect: {
		output: ExpectedOutput;
		/** Why an Invalid item is invalid. */
		reason?: InvalidReason;
		/** The E.164 number FlowIQ receives (Created and Duplicate). */
		phone_number?: string;
		/** What FlowIQ stores, where the case is about these fields. */
		name?: string;
		email?: string | null;
		tags?: string[];
		/** Words the Invalid message must contain, where the wording is the point. */
		message?: RegExp;
	};
}

/** A South African mobile number of its own, `+27 72 000 1nnn`, for cases about other fields. */
function own(n: number): { phone: string; phone_number: string } {
	const last = String(1000 + n);
	return { phone: `+27 72 000 ${last}`, phone_number: `+2772000${last}` };
}

/** A case about a field other than the phone: a valid name and its own number, unless overridden. */
function about(name: string, n: number, input: BadInputCase['input'], expect: BadInputCase['expect']): BadInputCase {
	const { phone, phone_number } = own(n);
	const created = expect.output === 'created' ? { phone_number } : {};
	return { name, input: { name: 'Jane Smith', phone, ...input }, expect: { ...created, ...expect } };
}

const phone = (
	name: string,
	typed: unknown,
	expect: BadInputCase['expect'],
	extra: Pick<BadInputCase, 'defaultCountry' | 'country'> = {},
): BadInputCase => ({ name, input: { name: 'Jane Smith', phone: typed }, ...extra, expect });

const created = (phone_number: string): BadInputCase['expect'] => ({ output: 'created', phone_number });
const invalid = (reason: InvalidReason, message?: RegExp): BadInputCase['expect'] => ({
	output: 'invalid',
	reason,
	...(message ? { message } : {}),
});

const COUNTRY_FORMATS: BadInputCase[] = [
	phone('ZA mobile, national format with Default Country ZA', '082 123 4567', created('+27821234567'), { defaultCountry: 'ZA', country: 'ZA' }),
	phone('ZA mobile, national format without Default Country', '082 765 4321', invalid('invalid_phone', /with a country code/), { country: 'ZA' }),
	phone('ZA mobile, international with spaces', '+27 83 456 7890', created('+27834567890'), { country: 'ZA' }),
	phone('ZA mobile, 00 international prefix', '00 27 84 222 3333', created('+27842223333'), { country: 'ZA' }),
	phone('ZA mobile, country code without + and no Default Country', '27845556666', created('+27845556666'), { country: 'ZA' }),
	phone('ZA mobile, trunk 0 in brackets after +27', '+27 (0)81 234 5678', created('+27812345678'), { country: 'ZA' }),
	phone('ZA mobile, country code without + under Default Country ZA', '27 82 987 6543', created('+27829876543'), { defaultCountry: 'ZA', country: 'ZA' }),
	phone('ZA mobile, Default Country typed in lower case with spaces', '072 345 6789', created('+27723456789'), { defaultCountry: ' za ', country: 'ZA' }),
	phone('NG mobile, national format with Default Country NG', '0803 123 4567', created('+2348031234567'), { defaultCountry: 'NG', country: 'NG' }),
	phone('NG mobile, international', '+234 805 987 6543', created('+2348059876543'), { country: 'NG' }),
	phone('KE mobile, national format with Default Country KE', '0712 345678', created('+254712345678'), { defaultCountry: 'KE', country: 'KE' }),
	phone('KE mobile, international', '+254 722 123 456', created('+254722123456'), { country: 'KE' }),
	phone('GB mobile, national format with Default Country GB', '07700 900123', created('+447700900123'), { defaultCountry: 'GB', country: 'GB' }),
	phone('GB London landline, international', '+44 20 7946 0958', created('+442079460958'), { country: 'GB' }),
	phone('GB mobile, national format without Default Country', '07700 900456', invalid('invalid_phone', /with a country code/), { country: 'GB' }),
	phone('GB landline, 00 prefix and (0) trunk', '0044 (0)20 7946 0959', created('+442079460959'), { country: 'GB' }),
	phone('DE Berlin landline, national format with Default Country DE', '030 12345678', created('+493012345678'), { defaultCountry: 'DE', country: 'DE' }),
	phone('DE mobile, international', '+49 151 23456789', created('+4915123456789'), { country: 'DE' }),
	phone('FR mobile, national format in pairs with Default Country FR', '06 12 34 56 78', created('+33612345678'), { defaultCountry: 'FR', country: 'FR' }),
	phone('FR mobile, +33 with (0) trunk', '+33 (0)7 98 76 54 32', created('+33798765432'), { country: 'FR' }),
	phone('IN mobile, national format with trunk 0 and Default Country IN', '098765 43210', created('+919876543210'), { defaultCountry: 'IN', country: 'IN' }),
	phone('IN mobile, international', '+91 99887 76655', created('+919988776655'), { country: 'IN' }),
	phone('BR São Paulo mobile, national format with Default Country BR', '(11) 91234-5678', created('+5511912345678'), { defaultCountry: 'BR', country: 'BR' }),
	phone('BR Rio mobile, international', '+55 21 98765-4321', created('+5521987654321'), { country: 'BR' }),
	phone('US number, national format with Default Country US', '(415) 555-2671', created('+14155552671'), { defaultCountry: 'US', country: 'US' }),
	phone('US number, trunk 1 with Default Country US', '1-212-555-0147', created('+12125550147'), { defaultCountry: 'US', country: 'US' }),
	phone('US number, dotted, with Default Country US', '415.555.2672', created('+14155552672'), { defaultCountry: 'US', country: 'US' }),
	phone('US number, international', '+1 (646) 555-0198', created('+16465550198'), { country: 'US' }),
	phone('GB number dialled from the US with exit code 011', '011 44 7700 900789', created('+447700900789'), { defaultCountry: 'US', country: 'GB' }),
	phone('MX Mexico City, national format with Default Country MX', '55 1234 5678', created('+525512345678'), { defaultCountry: 'MX', country: 'MX' }),
	// Mexico dropped the mobile "1" after +52 in 2019: 11 national digits is no possible number now.
	phone('MX mobile with the old 1 after +52', '+52 1 55 8765 4321', invalid('invalid_phone', /not a possible number/), { country: 'MX' }),
	phone('AU mobile, national format with Default Country AU', '0412 345 678', created('+61412345678'), { defaultCountry: 'AU', country: 'AU' }),
	phone('AU Sydney landline, international', '+61 2 9876 5432', created('+61298765432'), { country: 'AU' }),
	phone('AE mobile, national format with Default Country AE', '050 123 4567', created('+971501234567'), { defaultCountry: 'AE', country: 'AE' }),
	phone('AE Dubai landline, international', '+971 4 123 4567', created('+97141234567'), { country: 'AE' }),
	phone('SG mobile, national format with Default Country SG (no trunk prefix)', '9123 4567', created('+6591234567'), { defaultCountry: 'SG', country: 'SG' }),
	phone('SG landline, international', '+65 6123 4567', created('+6561234567'), { country: 'SG' }),
	phone('NL mobile, national format with Default Country NL', '06 12345678', created('+31612345678'), { defaultCountry: 'NL', country: 'NL' }),
	phone('NL mobile, international', '+31 6 87654321', created('+31687654321'), { country: 'NL' }),
	// Italy keeps the leading 0 of landlines after the country code.
	phone('IT Milan landline, national format with Default Country IT', '02 1234 5678', created('+390212345678'), { defaultCountry: 'IT', country: 'IT' }),
	phone('IT mobile, international', '+39 312 345 6789', created('+393123456789'), { country: 'IT' }),
	phone('JP mobile, national format with Default Country JP', '090-1234-5678', created('+819012345678'), { defaultCountry: 'JP', country: 'JP' }),
	phone('RU mobile, trunk 8 with Default Country RU', '8 (912) 345-67-89', created('+79123456789'), { defaultCountry: 'RU', country: 'RU' }),
	// A real Stockholm number, but FlowIQ needs at least 10 digits with the country code.
	phone('SE Stockholm short number', '+46 8 123 456', invalid('invalid_phone', /too short/), { country: 'SE' }),
	phone('International number with another Default Country', '+44 7700 900321', created('+447700900321'), { defaultCountry: 'ZA', country: 'GB' }),
	phone('Default Country that is no country code (ZZ)', '082 111 3333', invalid('invalid_phone', /for ZZ/), { defaultCountry: 'ZZ' }),
	phone('Default Country written out as a name', '082 111 4444', invalid('invalid_phone'), { defaultCountry: 'South Africa' }),
];

const PHONE_SHAPES: BadInputCase[] = [
	phone('Phone with letters', '+27 82 CALL NOW', invalid('invalid_phone', /letters/)),
	phone('US vanity number', '1-800-FLOWERS', invalid('invalid_phone', /letters/), { defaultCountry: 'US' }),
	phone('Extension written ext.', '+27 82 123 4567 ext. 12', invalid('invalid_phone', /extension/)),
	phone('Extension written #', '+27 82 123 4567 #12', invalid('invalid_phone', /extension/)),
	phone('Extension written x', '+27 82 123 4567 x12', invalid('invalid_phone')),
	phone('Two leading +', '++27 82 111 2222', invalid('invalid_phone', /not at the start/)),
	phone('A + in the middle', '+27 82 +111 2222', invalid('invalid_phone', /not at the start/)),
	phone('tel: link', 'tel:+27821115555', invalid('invalid_phone')),
	phone('Too many digits', '+27 82 123 45678901234', invalid('invalid_phone', /not a possible number/)),
	phone('Country code 0', '+0 82 123 4567', invalid('invalid_phone')),
	phone('Phone as a JSON number', 27829998888, created('+27829998888')),
	phone('Phone as a fractional number', 27.5, invalid('invalid_phone', /whole number/)),
	phone('Phone as a negative number', -27821234567, invalid('invalid_phone')),
	phone('Phone as a boolean', true, invalid('invalid_phone', /got a boolean/)),
	phone('Phone as a list', ['+27 82 123 4567'], invalid('invalid_phone', /got a list/)),
	phone('Phone as an object', { number: '+27 82 123 4567' }, invalid('invalid_phone', /got an object/)),
	phone('Phone null', null, invalid('missing_phone')),
	phone('Phone empty', '', invalid('missing_phone')),
	phone('Phone only white space', ' \t  ', invalid('missing_phone')),
	{ name: 'Phone field missing', input: { name: 'Jane Smith' }, expect: invalid('missing_phone') },
	// Copying from a right-to-left page or from WhatsApp brings invisible direction marks along.
	phone('Phone with a left-to-right mark', '\u200E+27 82 333 4444', created('+27823334444')),
	phone('Phone wrapped in direction marks', '\u202A+27 82 333 6666\u202C', created('+27823336666')),
	phone('Phone in Arabic-Indic digits', '+٢٧ ٨٢ ٣٣٣ ٤٤٤٥', invalid('invalid_phone', /characters other than digits/)),
	phone('Phone with slashes and dots', '+27/82.444.5555', created('+27824445555')),
	phone('Phone padded with spaces and dashes', '  +27-82-777-8888  ', created('+27827778888')),
];

const API_OUTCOMES: BadInputCase[] = [
	phone('Not on WhatsApp', '+27 82 555 0000', invalid('not_on_whatsapp')),
	phone('Not on WhatsApp, national format with Default Country ZA', '082 666 0000', invalid('not_on_whatsapp'), { defaultCountry: 'ZA' }),
	phone('Already in FlowIQ', '+27 82 555 0100', { output: 'duplicate', phone_number: '+27825550100' }),
	phone('Same number as an earlier case, 0027 format', '0027 82 123 4567', { output: 'duplicate', phone_number: '+27821234567' }),
	phone('Same number as an earlier case, national format', '083 456 7890', { output: 'duplicate', phone_number: '+27834567890' }, { defaultCountry: 'ZA' }),
];

const NAMES: BadInputCase[] = [
	about('Name null', 1, { name: null }, invalid('missing_name')),
	about('Name as a number', 2, { name: 42 }, { output: 'created', name: '42' }),
	about('Name as a boolean', 3, { name: false }, invalid('missing_name', /got a boolean/)),
	about('Name as a list', 4, { name: ['Jane'] }, invalid('missing_name', /got a list/)),
	about('Name as an object', 5, { name: { first: 'Jane' } }, invalid('missing_name', /got an object/)),
	about('Name as NaN', 6, { name: Number.NaN }, invalid('missing_name')),
	about('Name empty', 7, { name: '' }, invalid('missing_name')),
	about('Name only white space and tabs', 8, { name: ' \t  ' }, invalid('missing_name')),
	{ name: 'Name field missing', input: { phone: own(9).phone }, expect: invalid('missing_name') },
	about('Name with line breaks and control characters', 10, { name: 'Thandi\n\tNkosi\u0000' }, { output: 'created', name: 'Thandi Nkosi' }),
	about('Name with non-breaking spaces', 11, { name: '\u00A0Jane\u00A0\u00A0Doe\u00A0' }, { output: 'created', name: 'Jane Doe' }),
	about('Name of 10,000 characters', 12, { name: 'A'.repeat(10_000) }, { output: 'created', name: 'A'.repeat(10_000) }),
	about('Name with emoji', 13, { name: '🎉 Zanele 👩🏾‍💻' }, { output: 'created', name: '🎉 Zanele 👩🏾‍💻' }),
	about('Arabic name, right to left', 14, { name: 'محمد بن علي' }, { output: 'created', name: 'محمد بن علي' }),
	about('Hebrew name, right to left', 15, { name: 'שרה כהן' }, { output: 'created', name: 'שרה כהן' }),
	// Accents typed as a letter plus a combining mark are sent composed, as one character each.
	about('Name with combining characters', 16, { name: 'Zoe\u0308 Nguye\u0302\u0303n' }, { output: 'created', name: 'Zo\u00EB Nguy\u1EC5n' }),
	about('HTML in the name', 17, { name: '<script>alert("x")</script>' }, { output: 'created', name: '<script>alert("x")</script>' }),
	about('SQL-ish name', 18, { name: "Robert'); DROP TABLE contacts;--" }, { output: 'created', name: "Robert'); DROP TABLE contacts;--" }),
	about('Name of zero-width characters only', 19, { name: '\u200B\u200D' }, invalid('missing_name', /invisible/)),
];

const EMAILS: BadInputCase[] = [
	about('Email padded with spaces', 30, { email: ' jane@example.com ' }, { output: 'created', email: 'jane@example.com' }),
	about('Email with a space inside', 31, { email: 'jane doe@example.com' }, invalid('invalid_email')),
	about('Email without domain', 32, { email: 'jane@' }, invalid('invalid_email')),
	about('Email without local part', 33, { email: '@example.com' }, invalid('invalid_email')),
	about('Email without a dot in the domain', 34, { email: 'jane@example' }, invalid('invalid_email')),
	about('Email with two @', 35, { email: 'jane@@example.com' }, invalid('invalid_email')),
	about('Email with a display name', 36, { email: 'Jane <jane@example.com>' }, invalid('invalid_email')),
	about('Email with a unicode domain', 37, { email: 'jane@bücher.de' }, { output: 'created', email: 'jane@bücher.de' }),
	about('Email with a unicode local part', 38, { email: 'zoë@example.com' }, { output: 'created', email: 'zoë@example.com' }),
	about('Email as a number', 39, { email: 42 }, invalid('invalid_email', /got a number/)),
	about('Email as a list', 40, { email: ['jane@example.com'] }, invalid('invalid_email', /got a list/)),
	about('Email null', 41, { email: null }, { output: 'created', email: null }),
	about('Email only white space', 42, { email: '   ' }, { output: 'created', email: null }),
];

const TAGS: BadInputCase[] = [
	about('Tags of commas only', 50, { tags: ',,,' }, { output: 'created', tags: [] }),
	about('Tags of commas and spaces', 51, { tags: ' , ,, ' }, { output: 'created', tags: [] }),
	about('Tags repeated in mixed case', 52, { tags: 'VIP, vip, Vip' }, { output: 'created', tags: ['VIP'] }),
	about('Tags repeated', 53, { tags: 'lead,lead,  lead ' }, { output: 'created', tags: ['lead'] }),
	about('Tags as a list with repeats and commas', 54, { tags: ['b', 'B', 'a,A'] }, { output: 'created', tags: ['b', 'a'] }),
	about('Tags with inner spaces and emoji', 55, { tags: 'big   deal , 🔥 hot, 🔥 HOT' }, { output: 'created', tags: ['big deal', '🔥 hot'] }),
	about('Tags as a number', 56, { tags: 7 }, { output: 'created', tags: ['7'] }),
	about('Tags as an object', 57, { tags: { vip: true } }, invalid('invalid_tags', /got an object/)),
	about('Tags as a list holding an object', 58, { tags: ['vip', {}] }, invalid('invalid_tags')),
	about('Tags null', 59, { tags: null }, { output: 'created', tags: [] }),
	about('Tags with HTML', 60, { tags: '<b>vip</b>' }, { output: 'created', tags: ['<b>vip</b>'] }),
];

const SEVERAL_PROBLEMS: BadInputCase[] = [
	about('Several problems: the name is reported first', 70, { name: '', phone: 'abc', email: 'x' }, invalid('missing_name')),
	about('Bad phone and bad email: the phone is reported first', 71, { phone: 'abc', email: 'x' }, invalid('invalid_phone')),
];

export const BAD_INPUT_CORPUS: readonly BadInputCase[] = [
	...COUNTRY_FORMATS,
	...PHONE_SHAPES,
	...API_OUTCOMES,
	...NAMES,
	...EMAILS,
	...TAGS,
	...SEVERAL_PROBLEMS,
];

// ---------------------------------------------------------------------------------------------
// Message → Send

/**
 * A Send case: what the Send fields give for one item once n8n has resolved their expressions
 * (each field is mapped from the item, so any type can arrive), and what must come of it: a
 * specific error before any request, or exactly this body at FlowIQ.
 */
export interface SendInputCase {
	/** Unique; also the row's first cell in the Send table of docs/bad-input.md. */
	name: string;
	/** Fixed collections (buttons, list rows, contact cards) in n8n's shape: `{ button: [...] }`. */
	input: Partial<RawSendInput>;
	/** The Default Country option; absent = not set. */
	defaultCountry?: string;
	expect:
		| { output: 'sent'; body: SendRequestBody }
		| { output: 'error'; reason: SendInputReason; message: RegExp };
}

/** The contact the valid sends go to (in the sandbox from the start). */
const RECIPIENT = '+27825550100';

/** `text`, after checking it has the `count` characters (as WhatsApp counts them) a case is about. */
function sized(text: string, count: number): string {
	if ([...text].length !== count) throw new Error(`"${text}" has ${[...text].length} characters, not ${count}`);
	return text;
}

const TITLE_20 = sized('Confirm my booking!!', 20);
const TITLE_21 = sized('Confirm my booking!!!', 21);
/** 20 characters with the emoji, 21 UTF-16 units: a check counting units would refuse it. */
const EMOJI_TITLE_20 = sized('Yes, see you there 🎉', 20);
const EMOJI_TITLE_21 = sized('Yes, see you there! 🎉', 21);
const ROW_TITLE_24 = sized('Tuesday 09:00, Dr Naidoo', 24);
const ROW_TITLE_25 = sized('Tuesday 09:00, Dr Naidoo.', 25);
const DESCRIPTION_72 = sized('With Dr Naidoo, 30 minutes, room 4. Please arrive 10 minutes early, thx.', 72);
const DESCRIPTION_73 = sized('With Dr Naidoo, 30 minutes, room 4. Please arrive 10 minutes early, thx!!', 73);

const sendText = (name: string, text: unknown, expect: SendInputCase['expect']): SendInputCase => ({
	name,
	input: { phoneNumber: RECIPIENT, messageType: 'text', text },
	expect,
});
const sent = (fields: Omit<SendRequestBody, 'phone_number'>): SendInputCase['expect'] => ({
	output: 'sent',
	body: { phone_number: RECIPIENT, ...fields },
});
const refused = (reason: SendInputReason, message: RegExp): SendInputCase['expect'] => ({ output: 'error', reason, message });

const buttons = (name: string, entries: Array<Record<string, unknown>>, expect: SendInputCase['expect']): SendInputCase => ({
	name,
	input: { phoneNumber: RECIPIENT, messageType: 'buttons', bodyText: 'Can you make it on Tuesday?', buttons: { button: entries } },
	expect,
});
const sentButtons = (entries: Array<{ id: string; title: string }>) =>
	sent({ message_type: 'interactive', interactive: { type: 'button', body: 'Can you make it on Tuesday?', buttons: entries } });

const list = (name: string, rows: Array<Record<string, unknown>>, expect: SendInputCase['expect']): SendInputCase => ({
	name,
	input: { phoneNumber: RECIPIENT, messageType: 'list', bodyText: 'Pick a time', buttonText: 'See times', listRows: { row: rows } },
	expect,
});
const sentList = (sections: Array<{ title?: string; rows: Array<{ id: string; title: string; description?: string }> }>) =>
	sent({ message_type: 'interactive', interactive: { type: 'list', body: 'Pick a time', button: 'See times', sections } });

const sections = (count: number) => Array.from({ length: count }, (_, i) => ({ section: `Day ${i + 1}`, title: `Slot ${i + 1}` }));

const SEND_RECIPIENTS: SendInputCase[] = [
	{ name: 'Send: phone field missing', input: { messageType: 'text', text: 'Hi' }, expect: refused('missing_phone', /^Phone number is empty/) },
	{ name: 'Send: phone of letters', input: { phoneNumber: 'call me', messageType: 'text', text: 'Hi' }, expect: refused('invalid_phone', /contains letters/) },
	{
		name: 'Send: national number without Default Country',
		input: { phoneNumber: '082 555 0100', messageType: 'text', text: 'Hi' },
		expect: refused('invalid_phone', /with a country code/),
	},
	{
		name: 'Send: national number with Default Country ZA',
		input: { phoneNumber: '082 555 0100', messageType: 'text', text: 'Hi' },
		defaultCountry: 'ZA',
		expect: sent({ message_type: 'text', text: 'Hi' }),
	},
	{
		name: 'Send: Message Type that is no type',
		input: { phoneNumber: RECIPIENT, messageType: 'sticker', text: 'Hi' },
		expect: refused('invalid_message_type', /^Message Type "sticker" is not one of text, image/),
	},
	{ name: 'Send: Message Type null', input: { phoneNumber: RECIPIENT, messageType: null }, expect: refused('invalid_message_type', /^Message Type is empty/) },
];

const SEND_TEXTS: SendInputCase[] = [
	sendText('Text empty', '', refused('missing_field', /^Text is empty: enter the message to send$/)),
	sendText('Text only white space and line breaks', ' \n\t \r\n', refused('missing_field', /^Text is empty/)),
	sendText('Text null', null, refused('missing_field', /^Text is empty/)),
	sendText('Text as a list', ['Hi Jane'], refused('invalid_field', /^Text must be text, but got a list$/)),
	sendText('Text as an object', { text: 'Hi Jane' }, refused('invalid_field', /^Text must be text, but got an object$/)),
	sendText('Text as a boolean', true, refused('invalid_field', /^Text must be text, but got a boolean$/)),
	sendText('Text as a number', 42, sent({ message_type: 'text', text: '42' })),
	sendText(
		'Text with Windows line breaks, an invisible mark and padding',
		'  Hi Jane,\u200B\r\nyour order shipped.  ',
		sent({ message_type: 'text', text: 'Hi Jane,\r\nyour order shipped.' }),
	),
	sendText('Text of 5,000 characters', 'A'.repeat(5000), sent({ message_type: 'text', text: 'A'.repeat(5000) })),
];

const SEND_BUTTONS: SendInputCase[] = [
	buttons('Button title of 20 characters', [{ title: TITLE_20 }], sentButtons([{ id: 'button_1', title: TITLE_20 }])),
	buttons('Button title of 21 characters', [{ title: TITLE_21 }], refused('text_too_long', /^Button 1 title is 21 characters: FlowIQ allows at most 20$/)),
	buttons('Button title of 20 characters with an emoji', [{ title: EMOJI_TITLE_20 }], sentButtons([{ id: 'button_1', title: EMOJI_TITLE_20 }])),
	buttons('Button title of 21 characters with an emoji', [{ title: EMOJI_TITLE_21 }], refused('text_too_long', /^Button 1 title is 21 characters/)),
	buttons(
		'4 buttons',
		[{ title: 'Yes' }, { title: 'No' }, { title: 'Maybe' }, { title: 'Later' }],
		refused('too_many_items', /^Buttons holds 4 buttons: FlowIQ allows at most 3$/),
	),
	buttons(
		'Two buttons with the same ID',
		[{ id: 'yes', title: 'Yes' }, { id: 'yes', title: 'Yes please' }],
		refused('duplicate_id', /^Buttons 1 and 2 have the same ID "yes": give each button its own ID$/),
	),
	buttons(
		'Button ID typed as another button’s default',
		[{ id: 'button_2', title: 'Yes' }, { title: 'No' }],
		refused('duplicate_id', /same ID "button_2".*a button without an ID gets button_<its position>/),
	),
	buttons('Button title empty', [{ title: 'Yes' }, { title: ' ' }], refused('missing_field', /^Button 2 title is empty/)),
	buttons('Button title as a number', [{ title: 7 }], sentButtons([{ id: 'button_1', title: '7' }])),
	buttons('Button title as a list', [{ title: ['Yes'] }], refused('invalid_field', /^Button 1 title must be text, but got a list$/)),
	buttons('Button title with a line break and runs of spaces', [{ title: ' Yes,\n  please ' }], sentButtons([{ id: 'button_1', title: 'Yes, please' }])),
	{
		name: 'Body Text of 1,025 characters',
		input: { phoneNumber: RECIPIENT, messageType: 'buttons', bodyText: 'B'.repeat(1025), buttons: { button: [{ title: 'OK' }] } },
		expect: refused('text_too_long', /^Body Text is 1025 characters: FlowIQ allows at most 1024$/),
	},
	{
		name: 'Header media URL with ftp:',
		input: {
			phoneNumber: RECIPIENT,
			messageType: 'buttons',
			bodyText: 'Your ticket',
			buttons: { button: [{ title: 'OK' }] },
			interactiveOptions: { headerMediaType: 'image', headerMediaUrl: 'ftp://example.com/ticket.png' },
		},
		expect: refused('invalid_media_url', /^Header Media URL "ftp:\/\/example\.com\/ticket\.png" must start with https:\/\//),
	},
];

const SEND_LISTS: SendInputCase[] = [
	list('List row title of 24 characters', [{ title: ROW_TITLE_24 }], sentList([{ rows: [{ id: 'row_1', title: ROW_TITLE_24 }] }])),
	list('List row title of 25 characters', [{ title: ROW_TITLE_25 }], refused('text_too_long', /^Row 1 title is 25 characters: FlowIQ allows at most 24$/)),
	list(
		'List row description of 72 characters',
		[{ title: 'Tuesday 09:00', description: DESCRIPTION_72 }],
		sentList([{ rows: [{ id: 'row_1', title: 'Tuesday 09:00', description: DESCRIPTION_72 }] }]),
	),
	list(
		'List row description of 73 characters',
		[{ title: 'Tuesday 09:00', description: DESCRIPTION_73 }],
		refused('text_too_long', /^Row 1 description is 73 characters: FlowIQ allows at most 72$/),
	),
	list(
		'List rows in 10 sections',
		sections(10),
		sentList(sections(10).map(({ section, title }, i) => ({ title: section, rows: [{ id: `row_${i + 1}`, title }] }))),
	),
	list('List rows in 11 sections', sections(11), refused('too_many_items', /^List Rows has 11 section titles: FlowIQ allows at most 10 sections/)),
	list(
		'List rows with the same ID',
		[{ id: 'tue', title: 'Tuesday 09:00' }, { id: 'tue', title: 'Tuesday 10:00' }],
		refused('duplicate_id', /^Rows 1 and 2 have the same ID "tue"/),
	),
	list(
		'List rows in two sections, one without a title',
		[{ section: 'Mornings', title: 'Tuesday 09:00' }, { title: 'Tuesday 14:00' }],
		refused('missing_field', /^Row 2 section title is empty: when a list has more than one section, every row needs one$/),
	),
];

const SEND_MEDIA_AND_MORE: SendInputCase[] = [
	{
		name: 'Media URL with ftp:',
		input: { phoneNumber: RECIPIENT, messageType: 'document', mediaUrl: 'ftp://example.com/invoice.pdf' },
		expect: refused('invalid_media_url', /^Media URL "ftp:\/\/example\.com\/invoice\.pdf" must start with https:\/\//),
	},
	{
		name: 'Media URL without a scheme',
		input: { phoneNumber: RECIPIENT, messageType: 'image', mediaUrl: 'example.com/photo.jpg' },
		expect: refused('invalid_media_url', /^Media URL "example\.com\/photo\.jpg" is not a full URL/),
	},
	{
		name: 'Media URL empty',
		input: { phoneNumber: RECIPIENT, messageType: 'image', mediaUrl: '  ' },
		expect: refused('missing_field', /^Media URL is empty/),
	},
	{
		name: 'Image URL padded with spaces, caption with a line break',
		input: { phoneNumber: RECIPIENT, messageType: 'image', mediaUrl: ' https://example.com/photo.jpg ', caption: 'Your order\nis packed' },
		expect: sent({ message_type: 'image', media_url: 'https://example.com/photo.jpg', caption: 'Your order\nis packed' }),
	},
	{
		name: 'Latitude 91',
		input: { phoneNumber: RECIPIENT, messageType: 'location', latitude: 91, longitude: 18.42 },
		expect: refused('invalid_location', /^Latitude is 91: it must be from -90 to 90$/),
	},
	{
		name: 'Longitude "abc"',
		input: { phoneNumber: RECIPIENT, messageType: 'location', latitude: -33.92, longitude: 'abc' },
		expect: refused('invalid_location', /^Longitude "abc" is not a number/),
	},
	{
		name: 'Latitude with a decimal comma',
		input: { phoneNumber: RECIPIENT, messageType: 'location', latitude: '-33,92', longitude: 18.42 },
		expect: refused('invalid_location', /^Latitude "-33,92" is not a number: use digits and a decimal point/),
	},
	{
		name: 'Latitude and longitude as text, on the edges of their range',
		input: { phoneNumber: RECIPIENT, messageType: 'location', latitude: ' -90 ', longitude: '180.0', locationName: '  South   Pole ' },
		expect: sent({ message_type: 'location', location: { latitude: -90, longitude: 180, name: 'South Pole' } }),
	},
	{
		name: 'Reaction without message ID',
		input: { phoneNumber: RECIPIENT, messageType: 'reaction', messageId: '', emoji: '🎉' },
		expect: refused('missing_field', /^Message ID is empty: map the wamid of the message to react to$/),
	},
	{
		name: 'Reaction with an empty emoji, and a reply ID it ignores',
		input: { phoneNumber: RECIPIENT, messageType: 'reaction', messageId: 'wamid.ABC123', emoji: '', replyToMessageId: 'wamid.OTHER' },
		expect: sent({ message_type: 'reaction', reaction: { message_id: 'wamid.ABC123', emoji: '👍' } }),
	},
	{
		name: 'Contact card without a formatted name',
		input: { phoneNumber: RECIPIENT, messageType: 'contacts', contactCards: { contact: [{ formattedName: '', phone: '+27 82 555 0199' }] } },
		expect: refused('missing_field', /^Contact card 1 formatted name is empty/),
	},
	{
		name: 'Reply To Message ID as a number',
		input: { phoneNumber: RECIPIENT, messageType: 'text', text: 'See above', replyToMessageId: 12345 },
		expect: sent({ message_type: 'text', text: 'See above', context_message_id: '12345' }),
	},
];

export const SEND_INPUT_CORPUS: readonly SendInputCase[] = [
	...SEND_RECIPIENTS,
	...SEND_TEXTS,
	...SEND_BUTTONS,
	...SEND_LISTS,
	...SEND_MEDIA_AND_MORE,
];
