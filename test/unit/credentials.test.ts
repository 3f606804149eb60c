import { FlowIqApi } from '../../credentials/FlowIqApi.credentials';
import { apiBaseUrl, apiTarget, credentialProblem, isLoopback } from '../../nodes/FlowIq/helpers/credentials';

const key = 'fiq_test_not_a_real_key';

/** Where the credential's Test sends a Base URL: its baseURL expression, evaluated as JavaScript. */
function inTheTest(baseUrl: string): string {
	const expression = String(new FlowIqApi().test.request.baseURL);
	const body = /^=\{\{([\s\S]*)\}\}$/.exec(expression)?.[1];
	if (!body) throw new Error(`The Test's baseURL is no {{ expression }}: ${expression}`);
	return new Function('$credentials', `return ${body}`)({ baseUrl });
}

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
		['http://localhost.example.com', 'https://localhost.example.com'],
		['http://[::ffff:127.0.0.1]:4010', 'https://[::ffff:127.0.0.1]:4010'],
		// Forms URL parsers read as http://api.flowiq.live.
		['http:/api.flowiq.live', 'https:/api.flowiq.live'],
		['http:\\\\api.flowiq.live', 'https:\\\\api.flowiq.live'],
		['http:api.flowiq.live', 'https:api.flowiq.live'],
		['ht\ttp://api.flowiq.live', 'https://api.flowiq.live'],
		['\u0001http://api.flowiq.live\n', 'https://api.flowiq.live'],
		['http://localhost:4010/', 'http://localhost:4010'],
		['http://localhost?x=1', 'http://localhost?x=1'],
		['http://127.8.9.10', 'http://127.8.9.10'],
		['http://[::1]:4010', 'http://[::1]:4010'],
		['https://proxy.example.com///', 'https://proxy.example.com'],
	])('sends %p as %p, in the node and in the credential’s Test alike', (baseUrl, sentTo) => {
		expect(apiBaseUrl({ apiKey: key, baseUrl })).toBe(sentTo);
		expect(inTheTest(baseUrl)).toBe(sentTo);
		expect(new URL(sentTo).protocol === 'http:').toBe(isLoopback(new URL(sentTo).hostname));
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
