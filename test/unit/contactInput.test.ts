import {
	cleanContact,
	cleanEmail,
	cleanName,
	cleanPhone,
	cleanTags,
} from '../../nodes/FlowIq/helpers/contactInput';

describe('cleanName', () => {
	it('trims and folds inner white space', () => {
		expect(cleanName('  Jane \t  van\n der Merwe ')).toEqual({ ok: true, value: 'Jane van der Merwe' });
	});

	it.each([[''], ['   '], [null], [undefined]])('calls %p missing', (raw) => {
		expect(cleanName(raw)).toMatchObject({ ok: false, reason: 'missing_name' });
	});

	it('accepts a number as text', () => {
		expect(cleanName(42)).toEqual({ ok: true, value: '42' });
	});

	it.each([[true], [{}], [['Jane']]])('names the wrong type of %p', (raw) => {
		const result = cleanName(raw);
		expect(result).toMatchObject({ ok: false, reason: 'missing_name' });
		expect(!result.ok && result.message).toMatch(/must be text/);
	});
});

describe('cleanPhone', () => {
	it.each([
		['+27 12 345 6789', undefined],
		['27123456789', undefined],
		['0027 12 345 6789', undefined],
		['(012) 345-6789', 'ZA'],
		['012 345 6789', 'ZA'],
		['+27 (0)12 345 6789', undefined],
		[27123456789, undefined],
	])('normalises %p (default country %p) to E.164', (raw, country) => {
		expect(cleanPhone(raw, country)).toEqual({ ok: true, value: '+27123456789' });
	});

	it('reads numbers in the default country', () => {
		expect(cleanPhone('8123 4567', 'SG')).toEqual({ ok: true, value: '+6581234567' });
		expect(cleanPhone('011 27 12 345 6789', 'US')).toEqual({ ok: true, value: '+27123456789' });
	});

	it.each([[''], ['  '], [null], [undefined]])('calls %p missing', (raw) => {
		expect(cleanPhone(raw)).toMatchObject({ ok: false, reason: 'missing_phone' });
	});

	it.each([
		['+27 82 555', /too short: FlowIQ needs at least 10 digits/],
		['+27 82 555 123 456 789', /not a possible number/],
		['(012) 345-6789', /country code/],
		['+27 82 ABC 4567', /letters/],
		['+1 212 555 0100 ext. 12', /extension/],
		['+27 82 123 4567 #12', /extension/],
		['+27+82 123 4567', /\+ that is not at the start/],
		['27 82 123 4567 +', /\+ that is not at the start/],
		['+27 82 123 4567;', /characters other than digits/],
		[2.7e10 + 0.5, /not a whole number/],
		[true, /must be text/],
		[{ number: '+27123456789' }, /must be text/],
	])('rejects %p', (raw, message) => {
		const result = cleanPhone(raw);
		expect(result).toMatchObject({ ok: false, reason: 'invalid_phone' });
		expect(!result.ok && result.message).toMatch(message);
	});

	it('rejects possible numbers shorter than FlowIQ allows', () => {
		// Niue numbers are possible with four digits: too short for FlowIQ's ten.
		const result = cleanPhone('+683 4002');
		expect(result).toMatchObject({ ok: false, reason: 'invalid_phone' });
		expect(!result.ok && result.message).toMatch(/too short/);
	});
});

describe('cleanEmail', () => {
	it('trims a valid address', () => {
		expect(cleanEmail('  jane@example.com ')).toEqual({ ok: true, value: 'jane@example.com' });
	});

	it('accepts unicode domains', () => {
		expect(cleanEmail('jane@bücher.de')).toEqual({ ok: true, value: 'jane@bücher.de' });
	});

	it.each([[''], ['   '], [null], [undefined]])('leaves %p out', (raw) => {
		expect(cleanEmail(raw)).toEqual({ ok: true, value: undefined });
	});

	it.each([['jane@'], ['@example.com'], ['jane@example'], ['jane doe@example.com'], ['a@@b.com'], [12]])(
		'rejects %p',
		(raw) => {
			expect(cleanEmail(raw)).toMatchObject({ ok: false, reason: 'invalid_email' });
		},
	);
});

describe('cleanTags', () => {
	it('splits, trims, and drops empties and repeats (first spelling wins)', () => {
		expect(cleanTags(' lead, VIP ,, vip, Lead,web site ')).toEqual({ ok: true, value: 'lead,VIP,web site' });
	});

	it('accepts a list, whose entries may hold commas too', () => {
		expect(cleanTags(['lead', 'a,b', 7, null])).toEqual({ ok: true, value: 'lead,a,b,7' });
	});

	it.each([[''], [',, ,'], [[]], [null]])('leaves %p out', (raw) => {
		expect(cleanTags(raw)).toEqual({ ok: true, value: undefined });
	});

	it('rejects objects', () => {
		expect(cleanTags({ tag: 'lead' })).toMatchObject({ ok: false, reason: 'invalid_tags' });
		expect(cleanTags([{ tag: 'lead' }])).toMatchObject({ ok: false, reason: 'invalid_tags' });
	});
});

describe('cleanContact', () => {
	it('builds the request body, leaving out empty optional fields', () => {
		expect(cleanContact({ name: ' Jane ', phoneNumber: '082 123 4567', email: '', tags: 'a, a' }, 'ZA')).toEqual({
			ok: true,
			value: { name: 'Jane', phone_number: '+27821234567', tags: 'a' },
		});
	});

	it('reports the first problem in field order', () => {
		expect(cleanContact({ name: '', phoneNumber: '', email: 'bad' })).toMatchObject({ reason: 'missing_name' });
		expect(cleanContact({ name: 'Jane', phoneNumber: 'x', email: 'bad' })).toMatchObject({ reason: 'invalid_phone' });
		expect(cleanContact({ name: 'Jane', phoneNumber: '+27821234567', email: 'bad' })).toMatchObject({
			reason: 'invalid_email',
		});
	});
});

describe('Unicode as it arrives from copy and paste', () => {
	const DECOMPOSED_CAFE = 'Cafe\u0301';

	it('composes accents, so one name typed two ways is sent one way', () => {
		expect(cleanName(`Ame\u0301lie ${DECOMPOSED_CAFE}`)).toEqual({ ok: true, value: 'Amélie Café' });
	});

	it('keeps joiners that shape emoji and scripts in names', () => {
		expect(cleanName('Ana 👩\u200D💻')).toEqual({ ok: true, value: 'Ana 👩\u200D💻' });
	});

	it('treats "Café" typed precomposed and decomposed as one tag', () => {
		expect(cleanTags(`Café, ${DECOMPOSED_CAFE}`)).toEqual({ ok: true, value: 'Café' });
	});

	it.each([
		['direction marks around it, as WhatsApp copies it', '\u202A+27 82 123 4567\u202C'],
		['left-to-right marks between the groups', '+27\u200E 82\u200E 123 4567'],
		['a zero-width space and a byte-order mark', '\uFEFF+27 82\u200B123 4567'],
	])('reads a phone number with %s', (_case, raw) => {
		expect(cleanPhone(raw)).toEqual({ ok: true, value: '+27821234567' });
	});

	it('drops a zero-width space from an email instead of sending it', () => {
		expect(cleanEmail('jane\u200B@example.com')).toEqual({ ok: true, value: 'jane@example.com' });
	});

	it('still calls a name of invisible characters only missing', () => {
		expect(cleanName('\u200B\u200E\uFEFF')).toMatchObject({ ok: false, reason: 'missing_name' });
	});
});
