import { apiBaseUrl, apiTarget, credentialProblem } from '../../nodes/FlowIq/helpers/credentials';

const key = 'fiq_test_not_a_real_key';

describe('credentialProblem', () => {
	it('accepts a fiq_ key over https', () => {
		expect(credentialProblem({ apiKey: key })).toBeUndefined();
		expect(credentialProblem({ apiKey: key, baseUrl: 'HTTPS://API.FLOWIQ.LIVE/' })).toBeUndefined();
	});

	it.each([[''], ['   '], ['sk_live_123'], ['Bearer fiq_x']])('refuses the key %p', (apiKey) => {
		expect(credentialProblem({ apiKey })).toMatch(/fiq_/);
	});

	it.each([['http://localhost:4010'], ['http://127.0.0.1:4010/'], ['http://127.8.9.10'], ['http://[::1]:4010']])(
		'allows plain http to loopback %p',
		(baseUrl) => {
			expect(credentialProblem({ apiKey: key, baseUrl })).toBeUndefined();
		},
	);

	it.each([['http://api.flowiq.live'], ['http://10.0.0.5'], ['http://localhost.example.com'], ['http://127.0.0.1.example.com']])(
		'accepts plain http to %p, which goes as https (apiBaseUrl)',
		(baseUrl) => {
			expect(credentialProblem({ apiKey: key, baseUrl })).toBeUndefined();
		},
	);

	it('refuses other schemes and non-URLs', () => {
		expect(credentialProblem({ apiKey: key, baseUrl: 'ftp://api.flowiq.live' })).toMatch(/https/);
		expect(credentialProblem({ apiKey: key, baseUrl: 'api flowiq' })).toMatch(/not a URL/);
	});
});

describe('apiBaseUrl', () => {
	it('drops trailing slashes and keeps a path prefix', () => {
		expect(apiBaseUrl({ apiKey: key, baseUrl: 'https://proxy.example.com/flowiq//' })).toBe('https://proxy.example.com/flowiq');
	});

	it('defaults to production', () => {
		expect(apiBaseUrl({ apiKey: key })).toBe('https://api.flowiq.live');
		expect(apiBaseUrl({ apiKey: key, baseUrl: '  ' })).toBe('https://api.flowiq.live');
	});

	it.each([
		['http://api.flowiq.live/', 'https://api.flowiq.live'],
		['HTTP://API.FLOWIQ.LIVE', 'https://API.FLOWIQ.LIVE'],
		['http://10.0.0.5:8080/flowiq', 'https://10.0.0.5:8080/flowiq'],
		['http://127.0.0.1.example.com', 'https://127.0.0.1.example.com'],
		['http://[::ffff:127.0.0.1]:4010', 'https://[::ffff:127.0.0.1]:4010'],
		['http://localhost:4010/', 'http://localhost:4010'],
		['http://127.8.9.10', 'http://127.8.9.10'],
		['http://[::1]:4010', 'http://[::1]:4010'],
	])('sends %p to %p: plain http only to this machine', (baseUrl, sentTo) => {
		expect(apiBaseUrl({ apiKey: key, baseUrl })).toBe(sentTo);
	});
});

describe('apiTarget', () => {
	it('adds the trimmed Tenant ID to the query when one is set', () => {
		expect(apiTarget({ apiKey: key, tenantId: ' acme ', baseUrl: 'https://x.test/' }, '/contact', { whatsapp_id: '1' })).toEqual({
			url: 'https://x.test/contact',
			qs: { whatsapp_id: '1', tenantId: 'acme' },
		});
	});

	it('leaves the tenant out when it is empty', () => {
		expect(apiTarget({ apiKey: key, tenantId: '  ' }, '/contact')).toEqual({ url: 'https://api.flowiq.live/contact', qs: {} });
	});
});
