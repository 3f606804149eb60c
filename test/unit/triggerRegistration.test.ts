import type { IDataObject } from 'n8n-workflow';

import {
	SECRET_PARAMETER,
	accountOf,
	digestOf,
	isSameRegistration,
	newSecret,
	readRegistration,
	saveRegistration,
	secretMatches,
	urlWithSecret,
	webhookUrlProblem,
	type Registration,
} from '../../nodes/FlowIqTrigger/registration';

const SECRET = 'a'.repeat(64);

const KEPT: Registration = {
	webhookUrl: 'https://n8n.example.com/webhook/4f1c/webhook',
	platform: 'whatsapp',
	types: ['message_delivered', 'message_received'],
	account: accountOf('https://api.flowiq.live', 'fiq_key_one'),
	secretDigest: digestOf(SECRET),
	webhookIds: ['0df9d480-f181-466b-ae8d-85216c16e8dd', '1df9d480-f181-466b-ae8d-85216c16e8dd'],
	registeredAt: '2026-11-26T00:00:00.000Z',
};

describe('the registration in static data', () => {
	it('is read back as it was saved, and a copy is kept', () => {
		const staticData: IDataObject = {};
		const saved = { ...KEPT };
		saveRegistration(staticData, saved);
		saved.secretDigest = 'changed';
		expect(readRegistration(staticData)).toEqual(KEPT);
	});

	it.each([
		['nothing', {}],
		['no secret digest', { flowIqRegistration: { ...KEPT, secretDigest: '' } }],
		['the secret instead of its digest', { flowIqRegistration: { ...KEPT, secretDigest: undefined, secret: SECRET } }],
		['a digest that is not one', { flowIqRegistration: { ...KEPT, secretDigest: 'ab'.repeat(16) } }],
		['types that are not a list', { flowIqRegistration: { ...KEPT, types: 'message_received' } }],
		['no webhook URL', { flowIqRegistration: { ...KEPT, webhookUrl: undefined } }],
		['something else', { flowIqRegistration: 'registered' }],
	])('is none when static data holds %s', (_case, staticData) => {
		expect(readRegistration(staticData as IDataObject)).toBeUndefined();
	});
});

describe('isSameRegistration', () => {
	const { secretDigest, webhookIds, registeredAt, ...key } = KEPT;

	it('is the same for the same URL, platform, types and account', () => {
		expect(isSameRegistration(KEPT, { ...key })).toBe(true);
	});

	it.each([
		['another URL (the node was copied, or WEBHOOK_URL changed)', { webhookUrl: 'https://n8n.example.com/webhook/9999/webhook' }],
		['another platform', { platform: 'web' }],
		['one more type', { types: ['message_delivered', 'message_read', 'message_received'] }],
		['one type fewer', { types: ['message_received'] }],
		['all instead of the list', { types: ['all'] }],
		['another key', { account: accountOf('https://api.flowiq.live', 'fiq_key_two') }],
		['another Base URL', { account: accountOf('http://127.0.0.1:4010', 'fiq_key_one') }],
	])('differs for %s', (_case, change) => {
		expect(isSameRegistration(KEPT, { ...key, ...change })).toBe(false);
	});

	it('differs when nothing is kept', () => {
		expect(isSameRegistration(undefined, key)).toBe(false);
	});
});

describe('accountOf', () => {
	it('is short, stable, ignores spaces around the key, and does not contain it', () => {
		const account = accountOf('https://api.flowiq.live', ' fiq_key_one ');
		expect(account).toMatch(/^[0-9a-f]{16}$/);
		expect(account).toBe(KEPT.account);
		expect(account).not.toContain('fiq_');
	});
});

describe('the secret', () => {
	it('is 32 random bytes in hex, new each time', () => {
		const secrets = new Set(Array.from({ length: 50 }, () => newSecret()));
		expect(secrets.size).toBe(50);
		for (const secret of secrets) expect(secret).toMatch(/^[0-9a-f]{64}$/);
	});

	it('travels as a query parameter of n8n’s webhook URL', () => {
		const url = new URL(urlWithSecret(KEPT.webhookUrl, 'abc123'));
		expect(`${url.origin}${url.pathname}`).toBe(KEPT.webhookUrl);
		expect(url.searchParams.get(SECRET_PARAMETER)).toBe('abc123');
		expect(urlWithSecret('http://127.0.0.1:5678/webhook/x/webhook?a=1', 's')).toBe('http://127.0.0.1:5678/webhook/x/webhook?a=1&secret=s');
	});

	it('is kept as its SHA-256 only', () => {
		expect(digestOf('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
		expect(KEPT.secretDigest).not.toContain(SECRET);
	});

	it.each([
		['the secret', SECRET, true],
		['its digest', digestOf(SECRET), false],
		['another secret of the same length', 'b'.repeat(64), false],
		['a prefix of it', 'a'.repeat(63), false],
		['nothing', undefined, false],
		['an empty text', '', false],
		['a list (?secret=a&secret=a)', [SECRET, SECRET], false],
	])('matches %s: %s', (_case, given, matches) => {
		expect(secretMatches(given, KEPT.secretDigest)).toBe(matches);
	});

	it('matches nothing when the kept digest is not one', () => {
		expect(secretMatches('', '')).toBe(false);
		expect(secretMatches(SECRET, '')).toBe(false);
		expect(secretMatches(SECRET, SECRET)).toBe(false);
	});
});

describe('webhookUrlProblem', () => {
	it.each([
		['an https URL', 'https://n8n.example.com/webhook/x/webhook', 'https://api.flowiq.live', undefined],
		['plain http to a FlowIQ on this machine (the sandbox)', 'http://127.0.0.1:5678/webhook/x/webhook', 'http://127.0.0.1:4010', undefined],
		[
			'plain http to the real FlowIQ',
			'http://localhost:5678/webhook/x/webhook',
			'https://api.flowiq.live',
			'FlowIQ only calls https:// addresses, and n8n’s webhook URL for this node is http://localhost:5678',
		],
		['no URL', undefined, 'https://api.flowiq.live', 'n8n gave no webhook URL for this node'],
	])('%s', (_case, webhookUrl, baseUrl, problem) => {
		expect(webhookUrlProblem(webhookUrl, baseUrl)).toBe(problem);
	});
});
