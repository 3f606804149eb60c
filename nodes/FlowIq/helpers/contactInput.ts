import { parsePhoneNumberFromString, type CountryCode } from '../vendor/libphonenumber';

/** Why an item went to the Invalid output. Saved workflows switch on these values: never rename. */
export type InvalidReason =
	| 'missing_name'
	| 'missing_phone'
	| 'invalid_phone'
	| 'invalid_email'
	| 'invalid_tags'
	| 'not_on_whatsapp'
	| 'rejected';

/** What a user typed or mapped into the node, before cleaning: expressions can yield any type. */
export interface RawContactInput {
	name: unknown;
	phoneNumber: unknown;
	email?: unknown;
	tags?: unknown;
}

/** The request body FlowIQ receives. */
export interface ContactRequestBody {
	name: string;
	phone_number: string;
	email?: string;
	tags?: string;
}

export interface InputProblem {
	reason: InvalidReason;
	message: string;
}

export type Cleaned<T> = { ok: true; value: T } | ({ ok: false } & InputProblem);

/** FlowIQ's own rule: at least 10 digits, country code included. */
const MIN_PHONE_DIGITS = 10;

const ok = <T>(value: T): Cleaned<T> => ({ ok: true, value });
const problem = (reason: InvalidReason, message: string): Cleaned<never> => ({
	ok: false,
	reason,
	message,
});

export function describeType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * Zero-width spaces, direction marks and the like: invisible, and carried along when text is
 * copied from WhatsApp or a web page. Joiners (U+200C, U+200D) are not among them: they shape
 * emoji and some scripts.
 */
const INVISIBLE_MARKS = /[\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/gu;

/** Text as people mean it: "é" typed as one character or as e + accent alike, no invisible marks. */
export function normalizeText(text: string): string {
	return text.normalize('NFC').replace(INVISIBLE_MARKS, '');
}

/** Phone numbers and email addresses have no use for any format character, joiners included. */
function withoutFormatCharacters(text: string): string {
	return text.normalize('NFC').replace(/\p{Cf}/gu, '');
}

/** Normalizes, trims, and folds every run of white space or control characters into one space. */
export function tidyText(text: string): string {
	return normalizeText(text).replace(/[\s\p{Cc}]+/gu, ' ').trim();
}

export function cleanName(raw: unknown): Cleaned<string> {
	if (isBlank(raw)) return problem('missing_name', 'Name is empty: map a field that holds the contact’s name');
	if (typeof raw === 'number' && Number.isFinite(raw)) return ok(String(raw));
	if (typeof raw !== 'string') {
		return problem('missing_name', `Name must be text, but got ${describeType(raw)}`);
	}
	const name = tidyText(raw);
	return /[^\p{Z}\p{Cf}]/u.test(name) ? ok(name) : problem('missing_name', 'Name holds only white space, control or invisible characters');
}

/** Accepts text or a whole JSON number (spreadsheets often turn phone columns into numbers). */
function phoneText(raw: unknown): Cleaned<string> {
	if (typeof raw === 'number') {
		return Number.isSafeInteger(raw) && raw > 0
			? ok(String(raw))
			: problem('invalid_phone', `Phone number ${raw} is not a whole number: store phone numbers as text`);
	}
	if (typeof raw !== 'string') {
		return problem('invalid_phone', `Phone number must be text, but got ${describeType(raw)}`);
	}
	return ok(withoutFormatCharacters(raw).trim());
}

const EXTENSION = /(?:e?xt\.?|extension|#)\s*\d+\s*$/i;

/**
 * Turns what people type into an E.164 number (`+27123456789`). Numbers without `+` or `00` are
 * read in `defaultCountry` when one is set, and as already carrying a country code otherwise.
 */
export function cleanPhone(raw: unknown, defaultCountry?: string): Cleaned<string> {
	if (isBlank(raw)) return problem('missing_phone', 'Phone number is empty: map a field that holds it');
	const text = phoneText(raw);
	if (!text.ok) return text;
	const typed = text.value;

	if (EXTENSION.test(typed)) {
		return problem('invalid_phone', `Phone number "${typed}" has an extension: WhatsApp numbers have none`);
	}
	if (/\p{L}/u.test(typed)) {
		return problem('invalid_phone', `Phone number "${typed}" contains letters: use digits only`);
	}
	if (!/^[\d\s+\-.()/]+$/.test(typed)) {
		return problem('invalid_phone', `Phone number "${typed}" contains characters other than digits, spaces, + - . ( ) /`);
	}
	if (/.\+|\+.*\+/.test(typed)) {
		return problem('invalid_phone', `Phone number "${typed}" has a + that is not at the start`);
	}

	const digits = typed.replace(/\D/g, '');
	let international: string | undefined;
	if (typed.startsWith('+')) international = typed;
	else if (digits.startsWith('00')) international = `+${digits.slice(2)}`;
	else if (!defaultCountry) international = `+${digits}`;

	const parsed = international
		? parsePhoneNumberFromString(international)
		: parsePhoneNumberFromString(typed, defaultCountry as CountryCode);
	if (!parsed || !parsed.isPossible()) {
		const hint = defaultCountry
			? `for ${defaultCountry}`
			: 'with a country code: add one (e.g. +27…) or set Default Country';
		return problem('invalid_phone', `Phone number "${typed}" is not a possible number ${hint}`);
	}
	if (parsed.number.length - 1 < MIN_PHONE_DIGITS) {
		return problem(
			'invalid_phone',
			`Phone number "${typed}" is too short: FlowIQ needs at least ${MIN_PHONE_DIGITS} digits with the country code`,
		);
	}
	return ok(parsed.number);
}

const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/u;

/** An empty email is no email (`undefined`); anything else must look like one. */
export function cleanEmail(raw: unknown): Cleaned<string | undefined> {
	if (isBlank(raw)) return ok(undefined);
	if (typeof raw !== 'string') return problem('invalid_email', `Email must be text, but got ${describeType(raw)}`);
	const email = withoutFormatCharacters(raw).trim();
	return EMAIL.test(email)
		? ok(email)
		: problem('invalid_email', `Email "${email}" is not a valid address (expected name@example.com)`);
}

/**
 * Splits comma-separated tags (or a list of them), trims them, and drops empties and repeats;
 * repeats are matched ignoring case and the first spelling wins. `undefined` when none remain.
 */
export function cleanTags(raw: unknown): Cleaned<string | undefined> {
	if (isBlank(raw)) return ok(undefined);
	const parts: string[] = [];
	for (const entry of Array.isArray(raw) ? raw : [raw]) {
		if (entry === null || entry === undefined) continue;
		if (typeof entry !== 'string' && typeof entry !== 'number' && typeof entry !== 'boolean') {
			return problem('invalid_tags', `Tags must be text or a list of text, but got ${describeType(entry)}`);
		}
		parts.push(...String(entry).split(','));
	}
	const seen = new Set<string>();
	const tags: string[] = [];
	for (const part of parts) {
		const tag = tidyText(part);
		const key = tag.toLowerCase();
		if (!tag || seen.has(key)) continue;
		seen.add(key);
		tags.push(tag);
	}
	return ok(tags.length ? tags.join(',') : undefined);
}

/** Cleans one item's fields; the first problem found decides the reason. */
export function cleanContact(
	input: RawContactInput,
	defaultCountry?: string,
): Cleaned<ContactRequestBody> {
	const name = cleanName(input.name);
	if (!name.ok) return name;
	const phone = cleanPhone(input.phoneNumber, defaultCountry);
	if (!phone.ok) return phone;
	const email = cleanEmail(input.email);
	if (!email.ok) return email;
	const tags = cleanTags(input.tags);
	if (!tags.ok) return tags;

	const body: ContactRequestBody = { name: name.value, phone_number: phone.value };
	if (email.value !== undefined) body.email = email.value;
	if (tags.value !== undefined) body.tags = tags.value;
	return ok(body);
}
