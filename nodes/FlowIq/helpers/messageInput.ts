import { cleanPhone, describeType, normalizeText, tidyText } from './contactInput';

/**
 * The limits FlowIQ documents for POST /send-whatsapp (interactive messages). The node checks
 * these and nothing stricter: a text message, a caption or an ID has no documented limit here.
 */
export const SEND_LIMITS = {
	minButtons: 1,
	maxButtons: 3,
	buttonTitle: 20,
	bodyText: 1024,
	header: 60,
	footer: 60,
	listButtonText: 20,
	minRows: 1,
	maxSections: 10,
	sectionTitle: 24,
	rowTitle: 24,
	rowDescription: 72,
	latitude: 90,
	longitude: 180,
} as const;

/** The node's Message Type values. Buttons and List are both FlowIQ's `interactive` type. */
export const MESSAGE_TYPES = [
	'text',
	'image',
	'video',
	'audio',
	'document',
	'location',
	'contacts',
	'buttons',
	'list',
	'reaction',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export const PHONE_TYPES = ['CELL', 'MAIN', 'HOME', 'WORK', 'IPHONE'] as const;
export type PhoneType = (typeof PHONE_TYPES)[number];

export const HEADER_MEDIA_TYPES = ['image', 'video', 'document'] as const;
export type HeaderMediaType = (typeof HEADER_MEDIA_TYPES)[number];

export const DEFAULT_EMOJI = '👍';

/**
 * Why a message was not sent, as tests and docs/bad-input.md name it (the user sees the message).
 * - `missing_phone`, `invalid_phone`: as for Contact → Create.
 * - `invalid_message_type`: Message Type is not one of MESSAGE_TYPES.
 * - `missing_field`: a required field is empty, or a list (buttons, rows, cards) has no entry.
 * - `invalid_field`: a field holds the wrong kind of value (a list where text belongs, an unknown
 *   phone type), or two fields contradict each other.
 * - `invalid_media_url`: a media URL is not an http(s) URL.
 * - `invalid_location`: latitude or longitude is missing, not a number, or out of range.
 * - `text_too_long`: a text is longer than FlowIQ allows.
 * - `too_many_items`: more buttons or sections than FlowIQ allows.
 * - `duplicate_id`: two buttons, or two list rows, share an ID.
 */
export type SendInputReason =
	| 'missing_phone'
	| 'invalid_phone'
	| 'invalid_message_type'
	| 'missing_field'
	| 'invalid_field'
	| 'invalid_media_url'
	| 'invalid_location'
	| 'text_too_long'
	| 'too_many_items'
	| 'duplicate_id';

/**
 * What the Send fields give for one item, before cleaning: expressions can yield any type.
 * Fixed collections arrive as n8n stores them, e.g. Buttons as `{ button: [{ id, title }] }`;
 * a plain list of entries is read the same way.
 */
export interface RawSendInput {
	phoneNumber: unknown;
	messageType: unknown;
	text?: unknown;
	mediaUrl?: unknown;
	caption?: unknown;
	fileName?: unknown;
	latitude?: unknown;
	longitude?: unknown;
	locationName?: unknown;
	address?: unknown;
	/** `{ contact: [{ formattedName, firstName, lastName, phone, phoneType }] }` */
	contactCards?: unknown;
	bodyText?: unknown;
	/** `{ button: [{ id, title }] }` */
	buttons?: unknown;
	buttonText?: unknown;
	/** `{ row: [{ section, id, title, description }] }` */
	listRows?: unknown;
	/** The Header and Footer collection: `{ header, footer, headerMediaType, headerMediaUrl, headerMediaFileName }` */
	interactiveOptions?: unknown;
	messageId?: unknown;
	emoji?: unknown;
	/** From Options; not used for reactions. */
	replyToMessageId?: unknown;
}

/** Which fields each message type reads (besides Phone Number and Options); the node shows exactly these. */
export const FIELDS_BY_TYPE = {
	text: ['text'],
	image: ['mediaUrl', 'caption'],
	video: ['mediaUrl', 'caption'],
	audio: ['mediaUrl'],
	document: ['mediaUrl', 'caption', 'fileName'],
	location: ['latitude', 'longitude', 'locationName', 'address'],
	contacts: ['contactCards'],
	buttons: ['bodyText', 'buttons', 'interactiveOptions'],
	list: ['bodyText', 'buttonText', 'listRows', 'interactiveOptions'],
	reaction: ['messageId', 'emoji'],
} as const satisfies Record<MessageType, ReadonlyArray<keyof RawSendInput>>;

export type ApiMessageType = Exclude<MessageType, 'buttons' | 'list'> | 'interactive';

export interface ContactCardBody {
	name: { formatted_name: string; first_name?: string; last_name?: string };
	phones: Array<{ phone: string; type: PhoneType }>;
}

export interface HeaderMediaBody {
	type: HeaderMediaType;
	url: string;
	filename?: string;
}

export interface InteractiveButtonsBody {
	type: 'button';
	body: string;
	header?: string;
	footer?: string;
	header_media?: HeaderMediaBody;
	buttons: Array<{ id: string; title: string }>;
}

export interface InteractiveListBody {
	type: 'list';
	body: string;
	header?: string;
	footer?: string;
	button: string;
	sections: Array<{ title?: string; rows: Array<{ id: string; title: string; description?: string }> }>;
}

/** The body POST /send-whatsapp receives. */
export interface SendRequestBody {
	/** E.164, as cleanPhone returns it. */
	phone_number: string;
	message_type: ApiMessageType;
	text?: string;
	media_url?: string;
	caption?: string;
	filename?: string;
	location?: { latitude: number; longitude: number; name?: string; address?: string };
	contacts?: ContactCardBody[];
	interactive?: InteractiveButtonsBody | InteractiveListBody;
	reaction?: { message_id: string; emoji: string };
	context_message_id?: string;
}

export interface SendInputProblem {
	reason: SendInputReason;
	message: string;
}

type Checked<T> = { ok: true; value: T } | ({ ok: false } & SendInputProblem);
export type SendBodyResult = Checked<SendRequestBody>;

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const fail = (reason: SendInputReason, message: string): Checked<never> => ({ ok: false, reason, message });

/**
 * Characters as WhatsApp counts them, near enough: Unicode code points, so 👍 or é is one.
 * An emoji built from several (👩‍💻 is three, joined) counts as each of them.
 */
export function countCharacters(text: string): number {
	return [...text].length;
}

type Entry = Record<string, unknown>;

function isEntry(value: unknown): value is Entry {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shown(value: unknown): string {
	if (typeof value === 'string') return value;
	return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}

/**
 * Whether the text keeps its line breaks: message bodies and captions do, as WhatsApp shows them;
 * titles, labels, names and IDs are one line, so every run of white space becomes one space.
 */
type Lines = 'keep' | 'fold';

/** A text field: normalised and trimmed, `''` when empty. Numbers are read as text. */
function readText(raw: unknown, label: string, lines: Lines): Checked<string> {
	if (raw === undefined || raw === null) return ok('');
	if (typeof raw === 'number' && Number.isFinite(raw)) return ok(String(raw));
	if (typeof raw !== 'string') return fail('invalid_field', `${label} must be text, but got ${describeType(raw)}`);
	return ok(lines === 'keep' ? normalizeText(raw).trim() : tidyText(raw));
}

function withinLimit(text: string, label: string, max: number): Checked<string> {
	const length = countCharacters(text);
	return length > max
		? fail('text_too_long', `${label} is ${length} characters: FlowIQ allows at most ${max}`)
		: ok(text);
}

/** An optional text with an optional limit: `''` when empty. */
function optionalText(raw: unknown, label: string, lines: Lines, max?: number): Checked<string> {
	const text = readText(raw, label, lines);
	if (!text.ok || max === undefined) return text;
	return withinLimit(text.value, label, max);
}

/** A text that must not be empty; `whatToDo` finishes the message that says so. */
function requiredText(raw: unknown, label: string, whatToDo: string, lines: Lines, max?: number): Checked<string> {
	const text = optionalText(raw, label, lines, max);
	if (text.ok && text.value === '') return fail('missing_field', `${label} is empty: ${whatToDo}`);
	return text;
}

/** A media link: `''` when empty, otherwise an absolute http or https URL. */
function optionalUrl(raw: unknown, label: string): Checked<string> {
	const text = readText(raw, label, 'fold');
	if (!text.ok || text.value === '') return text;
	let url: URL;
	try {
		url = new URL(text.value);
	} catch {
		return fail(
			'invalid_media_url',
			`${label} "${text.value}" is not a full URL: use a public link such as https://example.com/photo.jpg`,
		);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return fail('invalid_media_url', `${label} "${text.value}" must start with https:// (FlowIQ downloads the file from it)`);
	}
	return text;
}

/** Entries of a fixed collection: `{ [key]: [...] }`, `{ [key]: {...} }` or a plain list. */
function readEntries(raw: unknown, key: string, label: string): Checked<Entry[]> {
	if (raw === undefined || raw === null || raw === '') return ok([]);
	let list: unknown = raw;
	if (isEntry(raw)) list = raw[key] ?? [];
	if (isEntry(list)) list = [list];
	if (!Array.isArray(list)) {
		return fail('invalid_field', `${label} must be a list of entries, but got ${describeType(list)}`);
	}
	for (const [index, entry] of list.entries()) {
		if (!isEntry(entry)) {
			return fail('invalid_field', `${label} entry ${index + 1} must be an object, but got ${describeType(entry)}`);
		}
	}
	return ok(list as Entry[]);
}

const DECIMAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** A coordinate from a number or a decimal in text (a point, not a comma, before the decimals). */
function readCoordinate(raw: unknown, label: string, max: number): Checked<number> {
	const range = `from -${max} to ${max}`;
	const text = typeof raw === 'string' ? raw.trim() : raw;
	if (text === undefined || text === null || text === '') {
		return fail('invalid_location', `${label} is empty: enter a number ${range}`);
	}
	const value = typeof text === 'string' && DECIMAL.test(text) ? Number(text) : text;
	if (typeof value !== 'number' || !Number.isFinite(value)) {
		return fail('invalid_location', `${label} "${shown(raw)}" is not a number: use digits and a decimal point, ${range}`);
	}
	if (Math.abs(value) > max) return fail('invalid_location', `${label} is ${value}: it must be ${range}`);
	return ok(value);
}

function readMessageType(raw: unknown): Checked<MessageType> {
	const type = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
	if ((MESSAGE_TYPES as readonly unknown[]).includes(type)) return ok(type as MessageType);
	const choices = MESSAGE_TYPES.join(', ');
	return type === undefined || type === null || type === ''
		? fail('invalid_message_type', `Message Type is empty: choose one of ${choices}`)
		: fail('invalid_message_type', `Message Type "${shown(raw)}" is not one of ${choices}`);
}

/**
 * Finds the first ID used twice. `defaulted` marks the entries whose ID the node made up, so the
 * message can explain an ID the user never typed.
 */
function duplicateId(
	ids: string[],
	defaulted: boolean[],
	plural: string,
	singular: string,
	defaultPattern: string,
): Checked<never> | undefined {
	const first = new Map<string, number>();
	for (const [index, id] of ids.entries()) {
		const earlier = first.get(id);
		if (earlier === undefined) {
			first.set(id, index);
			continue;
		}
		const why =
			defaulted[earlier] || defaulted[index] ? ` (a ${singular} without an ID gets ${defaultPattern})` : '';
		return fail(
			'duplicate_id',
			`${plural} ${earlier + 1} and ${index + 1} have the same ID "${id}": give each ${singular} its own ID${why}`,
		);
	}
	return undefined;
}

function textBody(input: RawSendInput): Checked<Partial<SendRequestBody>> {
	const text = requiredText(input.text, 'Text', 'enter the message to send', 'keep');
	return text.ok ? ok({ text: text.value }) : text;
}

function mediaBody(input: RawSendInput, type: 'image' | 'video' | 'audio' | 'document'): Checked<Partial<SendRequestBody>> {
	const url = optionalUrl(input.mediaUrl, 'Media URL');
	if (!url.ok) return url;
	if (url.value === '') return fail('missing_field', 'Media URL is empty: enter a public https link to the file');
	const body: Partial<SendRequestBody> = { media_url: url.value };
	if (type !== 'audio') {
		const caption = optionalText(input.caption, 'Caption', 'keep');
		if (!caption.ok) return caption;
		if (caption.value) body.caption = caption.value;
	}
	if (type === 'document') {
		const fileName = optionalText(input.fileName, 'File Name', 'fold');
		if (!fileName.ok) return fileName;
		if (fileName.value) body.filename = fileName.value;
	}
	return ok(body);
}

function locationBody(input: RawSendInput): Checked<Partial<SendRequestBody>> {
	const latitude = readCoordinate(input.latitude, 'Latitude', SEND_LIMITS.latitude);
	if (!latitude.ok) return latitude;
	const longitude = readCoordinate(input.longitude, 'Longitude', SEND_LIMITS.longitude);
	if (!longitude.ok) return longitude;
	const name = optionalText(input.locationName, 'Location Name', 'fold');
	if (!name.ok) return name;
	const address = optionalText(input.address, 'Address', 'fold');
	if (!address.ok) return address;
	// 0, 0 is open sea off Africa, and what two fields left at their defaults give.
	if (latitude.value === 0 && longitude.value === 0) {
		return fail('invalid_location', 'Latitude and Longitude are both 0: set the location’s coordinates');
	}
	const location: NonNullable<SendRequestBody['location']> = { latitude: latitude.value, longitude: longitude.value };
	if (name.value) location.name = name.value;
	if (address.value) location.address = address.value;
	return ok({ location });
}

function readPhoneType(raw: unknown, label: string): Checked<PhoneType> {
	const type = readText(raw, label, 'fold');
	if (!type.ok) return type;
	const value = type.value.toUpperCase() || 'CELL';
	return (PHONE_TYPES as readonly string[]).includes(value)
		? ok(value as PhoneType)
		: fail('invalid_field', `${label} "${type.value}" is not one of ${PHONE_TYPES.join(', ')}`);
}

function contactsBody(input: RawSendInput): Checked<Partial<SendRequestBody>> {
	const entries = readEntries(input.contactCards, 'contact', 'Contact Cards');
	if (!entries.ok) return entries;
	if (entries.value.length === 0) return fail('missing_field', 'Contact Cards is empty: add at least one contact card');
	const contacts: ContactCardBody[] = [];
	for (const [index, entry] of entries.value.entries()) {
		const card = `Contact card ${index + 1}`;
		const formattedName = requiredText(entry.formattedName, `${card} formatted name`, 'enter the name to show', 'fold');
		if (!formattedName.ok) return formattedName;
		const firstName = optionalText(entry.firstName, `${card} first name`, 'fold');
		if (!firstName.ok) return firstName;
		const lastName = optionalText(entry.lastName, `${card} last name`, 'fold');
		if (!lastName.ok) return lastName;
		const phone = requiredText(entry.phone, `${card} phone`, 'enter the number to show on the card', 'fold');
		if (!phone.ok) return phone;
		const phoneType = readPhoneType(entry.phoneType, `${card} phone type`);
		if (!phoneType.ok) return phoneType;

		const name: ContactCardBody['name'] = { formatted_name: formattedName.value };
		if (firstName.value) name.first_name = firstName.value;
		if (lastName.value) name.last_name = lastName.value;
		// WhatsApp wants a first or last name beside the formatted one: the formatted name stands in.
		if (!firstName.value && !lastName.value) name.first_name = formattedName.value;
		contacts.push({ name, phones: [{ phone: phone.value, type: phoneType.value }] });
	}
	return ok({ contacts });
}

type InteractiveExtras = Pick<InteractiveButtonsBody, 'header' | 'footer' | 'header_media'>;

/** Header and Footer. Header media is for buttons only: WhatsApp lists take a text header alone. */
function interactiveExtras(raw: unknown, kind: 'button' | 'list'): Checked<InteractiveExtras> {
	if (raw !== undefined && raw !== null && !isEntry(raw)) {
		return fail('invalid_field', `Header and Footer must be an object, but got ${describeType(raw)}`);
	}
	const options: Entry = isEntry(raw) ? raw : {};
	const extras: InteractiveExtras = {};
	const header = optionalText(options.header, 'Header', 'fold', SEND_LIMITS.header);
	if (!header.ok) return header;
	if (header.value) extras.header = header.value;
	const footer = optionalText(options.footer, 'Footer', 'fold', SEND_LIMITS.footer);
	if (!footer.ok) return footer;
	if (footer.value) extras.footer = footer.value;
	if (kind === 'list') return ok(extras);

	const url = optionalUrl(options.headerMediaUrl, 'Header Media URL');
	if (!url.ok) return url;
	const type = readText(options.headerMediaType, 'Header Media Type', 'fold');
	if (!type.ok) return type;
	const mediaType = type.value.toLowerCase();
	if (!url.value && !mediaType) return ok(extras);
	if (!url.value) {
		return fail('missing_field', 'Header Media URL is empty: enter a public https link, or remove Header Media Type');
	}
	if (!mediaType) {
		return fail('missing_field', 'Header Media Type is empty: choose image, video or document for Header Media URL');
	}
	if (!(HEADER_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
		return fail('invalid_field', `Header Media Type "${type.value}" is not one of ${HEADER_MEDIA_TYPES.join(', ')}`);
	}
	if (extras.header) {
		return fail('invalid_field', 'Header and Header Media URL are both set: WhatsApp shows one header, so remove one');
	}
	const media: HeaderMediaBody = { type: mediaType as HeaderMediaType, url: url.value };
	if (mediaType === 'document') {
		const fileName = optionalText(options.headerMediaFileName, 'Header Media File Name', 'fold');
		if (!fileName.ok) return fileName;
		if (fileName.value) media.filename = fileName.value;
	}
	extras.header_media = media;
	return ok(extras);
}

function buttonsBody(input: RawSendInput): Checked<Partial<SendRequestBody>> {
	const body = requiredText(input.bodyText, 'Body Text', 'enter the message shown above the buttons', 'keep', SEND_LIMITS.bodyText);
	if (!body.ok) return body;
	const entries = readEntries(input.buttons, 'button', 'Buttons');
	if (!entries.ok) return entries;
	const count = entries.value.length;
	if (count < SEND_LIMITS.minButtons) {
		return fail('missing_field', `Buttons is empty: add at least one button (at most ${SEND_LIMITS.maxButtons})`);
	}
	if (count > SEND_LIMITS.maxButtons) {
		return fail('too_many_items', `Buttons holds ${count} buttons: FlowIQ allows at most ${SEND_LIMITS.maxButtons}`);
	}
	const buttons: InteractiveButtonsBody['buttons'] = [];
	const defaulted: boolean[] = [];
	for (const [index, entry] of entries.value.entries()) {
		const label = `Button ${index + 1}`;
		const title = requiredText(entry.title, `${label} title`, 'give every button a title', 'fold', SEND_LIMITS.buttonTitle);
		if (!title.ok) return title;
		const id = readText(entry.id, `${label} ID`, 'fold');
		if (!id.ok) return id;
		defaulted.push(!id.value);
		buttons.push({ id: id.value || `button_${index + 1}`, title: title.value });
	}
	const duplicate = duplicateId(
		buttons.map((button) => button.id),
		defaulted,
		'Buttons',
		'button',
		'button_<its position>',
	);
	if (duplicate) return duplicate;
	const extras = interactiveExtras(input.interactiveOptions, 'button');
	if (!extras.ok) return extras;
	return ok({ interactive: { type: 'button', body: body.value, ...extras.value, buttons } });
}

function listBody(input: RawSendInput): Checked<Partial<SendRequestBody>> {
	const body = requiredText(input.bodyText, 'Body Text', 'enter the message shown above the list button', 'keep', SEND_LIMITS.bodyText);
	if (!body.ok) return body;
	const button = requiredText(
		input.buttonText,
		'Button Text',
		'enter the label of the button that opens the list',
		'fold',
		SEND_LIMITS.listButtonText,
	);
	if (!button.ok) return button;
	const entries = readEntries(input.listRows, 'row', 'List Rows');
	if (!entries.ok) return entries;
	if (entries.value.length < SEND_LIMITS.minRows) return fail('missing_field', 'List Rows is empty: add at least one row');

	const sections = new Map<string, InteractiveListBody['sections'][number]>();
	const firstRowOf = new Map<string, number>();
	const ids: string[] = [];
	const defaulted: boolean[] = [];
	for (const [index, entry] of entries.value.entries()) {
		const label = `Row ${index + 1}`;
		const section = optionalText(entry.section, `${label} section title`, 'fold', SEND_LIMITS.sectionTitle);
		if (!section.ok) return section;
		const id = readText(entry.id, `${label} ID`, 'fold');
		if (!id.ok) return id;
		const title = requiredText(entry.title, `${label} title`, 'give every row a title', 'fold', SEND_LIMITS.rowTitle);
		if (!title.ok) return title;
		const description = optionalText(entry.description, `${label} description`, 'fold', SEND_LIMITS.rowDescription);
		if (!description.ok) return description;

		const row: InteractiveListBody['sections'][number]['rows'][number] = {
			id: id.value || `row_${index + 1}`,
			title: title.value,
		};
		if (description.value) row.description = description.value;
		ids.push(row.id);
		defaulted.push(!id.value);
		let group = sections.get(section.value);
		if (!group) {
			group = section.value ? { title: section.value, rows: [] } : { rows: [] };
			sections.set(section.value, group);
			firstRowOf.set(section.value, index);
		}
		group.rows.push(row);
	}
	if (sections.size > SEND_LIMITS.maxSections) {
		return fail(
			'too_many_items',
			`List Rows has ${sections.size} section titles: FlowIQ allows at most ${SEND_LIMITS.maxSections} sections (rows with the same section title form one)`,
		);
	}
	if (sections.size > 1 && sections.has('')) {
		return fail(
			'missing_field',
			`Row ${firstRowOf.get('')! + 1} section title is empty: when a list has more than one section, every row needs one`,
		);
	}
	const duplicate = duplicateId(ids, defaulted, 'Rows', 'row', 'row_<its position>');
	if (duplicate) return duplicate;
	const extras = interactiveExtras(input.interactiveOptions, 'list');
	if (!extras.ok) return extras;
	return ok({
		interactive: { type: 'list', body: body.value, ...extras.value, button: button.value, sections: [...sections.values()] },
	});
}

function reactionBody(input: RawSendInput): Checked<Partial<SendRequestBody>> {
	const messageId = requiredText(input.messageId, 'Message ID', 'map the wamid of the message to react to', 'fold');
	if (!messageId.ok) return messageId;
	const emoji = optionalText(input.emoji, 'Emoji', 'fold');
	if (!emoji.ok) return emoji;
	return ok({ reaction: { message_id: messageId.value, emoji: emoji.value || DEFAULT_EMOJI } });
}

const API_TYPE: Record<MessageType, ApiMessageType> = {
	text: 'text',
	image: 'image',
	video: 'video',
	audio: 'audio',
	document: 'document',
	location: 'location',
	contacts: 'contacts',
	buttons: 'interactive',
	list: 'interactive',
	reaction: 'reaction',
};

function typeBody(input: RawSendInput, type: MessageType): Checked<Partial<SendRequestBody>> {
	switch (type) {
		case 'text':
			return textBody(input);
		case 'image':
		case 'video':
		case 'audio':
		case 'document':
			return mediaBody(input, type);
		case 'location':
			return locationBody(input);
		case 'contacts':
			return contactsBody(input);
		case 'buttons':
			return buttonsBody(input);
		case 'list':
			return listBody(input);
		case 'reaction':
			return reactionBody(input);
	}
}

/**
 * Cleans one item's Send fields into the body of POST /send-whatsapp. Checks run in the order the
 * fields appear in the node, and the first problem found decides the reason. Only the fields of
 * the chosen message type are read; Reply To Message ID is ignored for reactions.
 */
export function buildSendBody(input: RawSendInput, defaultCountry?: string): SendBodyResult {
	const phone = cleanPhone(input.phoneNumber, defaultCountry);
	if (!phone.ok) return fail(phone.reason === 'missing_phone' ? 'missing_phone' : 'invalid_phone', phone.message);
	const type = readMessageType(input.messageType);
	if (!type.ok) return type;
	const fields = typeBody(input, type.value);
	if (!fields.ok) return fields;

	const body: SendRequestBody = { phone_number: phone.value, message_type: API_TYPE[type.value], ...fields.value };
	if (type.value !== 'reaction') {
		const replyTo = readText(input.replyToMessageId, 'Reply To Message ID', 'fold');
		if (!replyTo.ok) return replyTo;
		if (replyTo.value) body.context_message_id = replyTo.value;
	}
	return ok(body);
}
