import type { IDataObject } from 'n8n-workflow';

import { fixtures, freshPhone, pairedIndexes, runFlowIq, useSandbox } from './harness';

const sandbox = useSandbox();

const GET_CONTACT = { resource: 'contact', operation: 'get', phoneNumber: '={{ $json.phone }}' };
const fast = { maxRetries: 2, timeout: 2000 };
const existing = fixtures.SEED_CONTACTS.acme[0];

async function lookUp(phones: string[], options: IDataObject = {}, settings?: Parameters<typeof runFlowIq>[0]['settings']) {
	return await runFlowIq({ sandbox, items: phones.map((phone) => ({ phone })), parameters: GET_CONTACT, options: { ...fast, ...options }, settings });
}

describe('Contact → Get', () => {
	it('routes each item to Found or Not Found, with the reason and what was submitted', async () => {
		const unknown = freshPhone();
		const { outputs, error } = await lookUp(['+27 82 555 0100', unknown, '', 'call me', '082 555 0100'], { defaultCountry: 'ZA' });
		expect(error).toBeUndefined();
		expect(outputs).toHaveLength(2);
		expect(pairedIndexes(outputs)).toEqual([[0, 4], [1, 2, 3]]);
		expect(outputs[0][0].json).toMatchObject({ id: existing.id, full_name: 'Existing Customer', whatsapp_id: '27825550100' });
		expect(outputs[1].map((item) => item.json)).toEqual([
			{ reason: 'not_found', message: `FlowIQ has no contact with the number ${unknown}`, submitted: { phone_number: unknown } },
			{ reason: 'missing_phone', message: 'Phone number is empty: map a field that holds it', submitted: { phone_number: '' } },
			{ reason: 'invalid_phone', message: 'Phone number "call me" contains letters: use digits only', submitted: { phone_number: 'call me' } },
		]);
	});

	it('asks FlowIQ once per distinct number, and never for a number it could not clean', async () => {
		await lookUp(['+27825550100', '0027 82 555 0100', '+27825550100', 'nope', freshPhone()]);
		expect(sandbox.stats().requests).toBe(2);
	});

	it('falls back to find-by-phone on a FlowIQ without GET /contact, and keeps using it for the run', async () => {
		sandbox.configure({ revision: 'older' });
		try {
			const log: string[] = [];
			sandbox.configure({ quiet: false, log: (line: string) => log.push(line) });
			const unknown = freshPhone();
			const { outputs } = await lookUp(['+27825550100', unknown, '+27825550200'], { maxConcurrency: 1 });
			expect(pairedIndexes(outputs)).toEqual([[0, 2], [1]]);
			expect(outputs[0][0].json).toMatchObject({ id: existing.id, whatsapp_id: '27825550100' });
			expect(outputs[1][0].json).toMatchObject({ reason: 'not_found' });
			// One GET /contact found the route missing; every look-up then used find-by-phone.
			expect(log.filter((line) => line.startsWith('GET /contact'))).toHaveLength(1);
			expect(log.filter((line) => /^GET \/conversations\?.*action=find-by-phone/.test(line))).toHaveLength(3);
		} finally {
			sandbox.configure({ revision: 'current', quiet: true });
		}
	});

	it('retries a 500 and a dropped connection on a read', async () => {
		sandbox.failNext({ status: 500 }, 1, 'GET /contact');
		sandbox.failNext({ kind: 'drop' }, 1, 'GET /contact');
		const { outputs } = await lookUp(['+27825550100']);
		expect(pairedIndexes(outputs)).toEqual([[0], []]);
		expect(sandbox.stats().requests).toBe(3);
	});

	it('fails every item alike on a credential problem, and stops asking', async () => {
		const { error } = await runFlowIq({
			sandbox,
			items: [{ phone: freshPhone() }, { phone: freshPhone() }, { phone: freshPhone() }],
			parameters: GET_CONTACT,
			options: { ...fast, maxConcurrency: 1 },
			credentials: { apiKey: fixtures.KEYS.revoked },
		});
		expect(error).toMatchObject({ message: 'FlowIQ answered 401 (Invalid API key): API key has been revoked' });
		expect(sandbox.stats().requests).toBe(1);
	});

	it('puts failures on the error output under "Continue (using error output)", found items still found', async () => {
		const unknownTenant = await runFlowIq({
			sandbox,
			items: [{ phone: '+27825550100' }],
			parameters: GET_CONTACT,
			options: fast,
			credentials: { tenantId: 'no-such-tenant' },
			settings: { onError: 'continueErrorOutput' },
		});
		expect(unknownTenant.outputs).toHaveLength(3);
		expect(unknownTenant.outputs[2][0].json).toMatchObject({
			error: expect.stringContaining('FlowIQ answered 404 (Organization not found)'),
			message: expect.stringMatching(/Tenant ID/),
		});
	});
});
