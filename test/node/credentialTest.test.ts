import { FlowIqApi } from '../../credentials/FlowIqApi.credentials';
import { FlowIq } from '../../nodes/FlowIq/FlowIq.node';
import { testCredential } from '../../scripts/engine';
import { fixtures, startSandbox, useSandbox } from './harness';

const sandbox = useSandbox();

async function testWith(data: Record<string, string>) {
	return await testCredential(new FlowIq(), 'flowIqApiTest', {
		type: 'flowIqApi',
		credentialType: new FlowIqApi(),
		data: { apiKey: fixtures.KEYS.acme, tenantId: 'acme', baseUrl: sandbox.url, ...data },
	});
}

describe('the credential dialog’s Test', () => {
	it('says the key works, and creates nothing', async () => {
		await expect(testWith({})).resolves.toEqual({
			status: 'OK',
			message: 'Connected: FlowIQ accepted the API key for tenant “acme”',
		});
		await expect(testWith({ tenantId: '', baseUrl: `${sandbox.url}/` })).resolves.toMatchObject({ status: 'OK' });
		expect(sandbox.contacts('acme')).toHaveLength(fixtures.SEED_CONTACTS.acme.length);
		expect(sandbox.stats().byStatus).toEqual({ 404: 2 });
	});

	it.each([
		[{ apiKey: fixtures.KEYS.revoked }, 'FlowIQ rejected the API key: API key has been revoked (copy a fresh fiq_ key from the FlowIQ dashboard)'],
		[{ apiKey: fixtures.KEYS.unknown }, 'FlowIQ rejected the API key: API key not found (copy a fresh fiq_ key from the FlowIQ dashboard)'],
		[
			{ apiKey: fixtures.KEYS.globex },
			'FlowIQ rejected the API key: API key does not belong to the specified organization (the key belongs to another organisation than the Tenant ID)',
		],
		[{ tenantId: 'nope' }, 'FlowIQ found no organisation for this Tenant ID: Organization not found for tenant nope'],
		[{ apiKey: fixtures.KEYS.deletedOrg, tenantId: '' }, 'FlowIQ found no organisation for this API key: Organization not found for API key'],
	])('explains %p', async (data, message) => {
		await expect(testWith(data)).resolves.toEqual({ status: 'Error', message });
	});

	it.each([
		[{ apiKey: 'sk_live_abc' }, /must start with fiq_/],
		[{ apiKey: '' }, /API key is empty/],
		[{ baseUrl: 'http://api.flowiq.live' }, /https:\/\//],
	])('refuses %p without a request', async (data, message) => {
		const result = await testWith(data);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(message);
		expect(sandbox.stats().requests).toBe(0);
	});

	describe('on an older FlowIQ without GET /contact', () => {
		beforeEach(() => sandbox.configure({ revision: 'older' }));
		afterEach(() => sandbox.configure({ revision: 'current' }));

		it('asks find-by-phone instead, and says the key works', async () => {
			await expect(testWith({})).resolves.toEqual({ status: 'OK', message: 'Connected: FlowIQ accepted the API key for tenant “acme”' });
			expect(sandbox.stats().byStatus).toEqual({ 404: 2 });
		});

		it.each([
			[{ apiKey: fixtures.KEYS.revoked }, 'FlowIQ rejected the API key: API key has been revoked (copy a fresh fiq_ key from the FlowIQ dashboard)'],
			[{ tenantId: '' }, 'FlowIQ needs the Tenant ID: copy it from Settings → Account Information in FlowIQ'],
		])('explains %p', async (data, message) => {
			await expect(testWith(data)).resolves.toEqual({ status: 'Error', message });
		});
	});

	it('says when FlowIQ cannot be reached', async () => {
		const closed = await startSandbox({ quiet: true });
		const url = closed.url;
		await closed.close();
		await expect(testWith({ baseUrl: url })).resolves.toEqual({
			status: 'Error',
			message: expect.stringMatching(new RegExp(`^Could not reach FlowIQ at ${url}.*check the Base URL$`)),
		});
	});
});
