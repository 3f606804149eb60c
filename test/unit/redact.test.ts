import { REDACTED, redactDeep, redactSecrets } from '../../nodes/FlowIq/transport/redact';

const KEY = 'fiq_test_not_a_real_key_42';

describe('redactSecrets', () => {
	it.each([
		['the key itself', `Invalid API key ${KEY}`, `Invalid API key ${REDACTED}`],
		['the key with spaces around it in the credential', `key ${KEY}!`, `key ${REDACTED}!`],
		['an Authorization header', `request had Authorization: Bearer ${KEY}`, `request had ${REDACTED}`],
		['a header line in a proxy dump', 'authorization: Bearer fiq_other_tenant_key\nhost: x', `${REDACTED}\nhost: x`],
		['another FlowIQ-shaped key', 'tried fiq_someone_elses_key', `tried ${REDACTED}`],
		['a bearer token of another kind', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc', REDACTED],
	])('removes %s', (_case, text, expected) => {
		expect(redactSecrets(text, ` ${KEY} `)).toBe(expected);
	});

	it.each([
		'Please provide Authorization bearer token',
		'Bearer token must be an API key (fiq_...)',
		'A contact with this phone number already exists',
	])('leaves FlowIQ’s own words alone: %s', (text) => {
		expect(redactSecrets(text, KEY)).toBe(text);
	});

	it('works without a key', () => {
		expect(redactSecrets(`x ${KEY}`)).toBe(`x ${REDACTED}`);
	});
});

describe('redactDeep', () => {
	it('redacts strings at any depth and keeps everything else', () => {
		const body = { error: 'Bad', message: `echo ${KEY}`, details: [{ header: `Bearer ${KEY}` }], count: 2, ok: false, none: null };
		expect(redactDeep(body, KEY)).toEqual({
			error: 'Bad',
			message: `echo ${REDACTED}`,
			details: [{ header: REDACTED }],
			count: 2,
			ok: false,
			none: null,
		});
	});
});
