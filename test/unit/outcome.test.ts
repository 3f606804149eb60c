import { affectsEveryItem, classifyResponse, errorWords, failureOf } from '../../nodes/FlowIq/transport/outcome';

describe('classifyResponse', () => {
	it('reads a created contact', () => {
		const contact = { id: 'c1', whatsapp_id: '27123456789' };
		expect(classifyResponse(201, { success: true, contact })).toEqual({ kind: 'created', contact });
	});

	it('reads a 409 as a duplicate with the existing contact', () => {
		const existing = { id: 'c1', full_name: 'Jane', whatsapp_id: '27123456789' };
		expect(
			classifyResponse(409, { error: 'Contact already exists', message: 'A contact with this phone number already exists', existing_contact: existing }),
		).toEqual({ kind: 'duplicate', existingContact: existing, message: 'A contact with this phone number already exists' });
	});

	it('tells "not on WhatsApp" apart from other 400s', () => {
		expect(
			classifyResponse(400, { error: 'Invalid WhatsApp number', message: 'The provided phone number is not registered on WhatsApp' }),
		).toMatchObject({ kind: 'invalid', reason: 'not_on_whatsapp' });
		expect(classifyResponse(400, { error: 'Missing required field', message: 'name is required' })).toEqual({
			kind: 'invalid',
			reason: 'rejected',
			error: 'Missing required field',
			message: 'name is required',
		});
	});

	it('says how often the node tried before giving up', () => {
		expect(classifyResponse(503, { error: 'Service unavailable', message: 'Try later' }, { attempts: 4 })).toMatchObject({
			kind: 'failed',
			message: 'Try later (gave up after 4 attempts)',
		});
	});

	it.each([
		[401, { error: 'Invalid API key', message: 'API key has been revoked' }, /API key in the FlowIQ API credential/],
		[401, { error: 'API key mismatch', message: 'API key does not belong to the specified organization' }, /Tenant ID/],
		[404, { error: 'Organization not found', message: 'Organization not found for API key' }, /Tenant ID/],
		[500, { error: 'Internal server error', message: 'Failed to create contact' }, /FlowIQ had a problem/],
		[429, { error: 'Too many requests', message: 'Rate limit exceeded' }, /lower Max Concurrency/],
	])('fails %d with FlowIQ’s words and a next step', (status, body, hint) => {
		const outcome = classifyResponse(status, body);
		expect(outcome).toMatchObject({ kind: 'failed', status, error: body.error, message: body.message });
		expect(outcome.kind === 'failed' && outcome.hint).toMatch(hint);
	});

	it('fails a 2xx without a contact instead of inventing one', () => {
		expect(classifyResponse(200, '<html>')).toMatchObject({ kind: 'failed', status: 200 });
	});
});

describe('failureOf', () => {
	it('names where a redirect pointed', () => {
		expect(failureOf(302, {}, { location: 'https://elsewhere.example/' })).toMatchObject({
			error: 'Redirected',
			message: expect.stringContaining('https://elsewhere.example/'),
		});
	});

	it('sends a missing Tenant ID to the credential', () => {
		const failure = failureOf(400, { success: false, error: 'Tenant ID is required', message: 'Please provide tenantId query parameter' });
		expect(failure.hint).toMatch(/Tenant ID .* FlowIQ API credential/);
	});

	it('fails a 2xx that lacks what was asked for', () => {
		expect(failureOf(200, '<html>')).toMatchObject({ error: 'Unexpected answer', status: 200 });
	});
});

describe('errorWords', () => {
	it('parses a JSON string body', () => {
		expect(errorWords(401, '{"error":"Invalid API key","message":"API key not found"}')).toEqual({
			error: 'Invalid API key',
			message: 'API key not found',
		});
	});

	it('falls back to the status for a proxy’s page', () => {
		expect(errorWords(502, '<html>Bad gateway</html>')).toEqual({ error: 'HTTP 502', message: '<html>Bad gateway</html>' });
		expect(errorWords(503, undefined)).toEqual({ error: 'HTTP 503', message: 'HTTP 503' });
	});
});

describe('affectsEveryItem', () => {
	it('is true for credential and organisation problems only', () => {
		expect([401, 403, 404, 400, 409, 500, 502].map((status) => affectsEveryItem(status))).toEqual([true, true, true, false, false, false, false]);
	});

	it('leaves a 404 about one contact or order to its item', () => {
		expect(affectsEveryItem(404, 'Organization not found')).toBe(true);
		expect(affectsEveryItem(404, 'Contact not found for the provided phone number')).toBe(false);
		expect(affectsEveryItem(404, 'Shopify order not found')).toBe(false);
	});
});
