import { asToolAnswer } from '../../nodes/FlowIq/actions/router';

describe('asToolAnswer', () => {
	it('puts every outcome on the one output an AI Agent reads, each item naming its outcome', () => {
		const found = { json: { id: 'c1' }, pairedItem: { item: 0 } };
		const missing = { json: { reason: 'not_found' }, pairedItem: { item: 1 } };
		expect(asToolAnswer([[found], [missing]], ['Found', 'Not Found'])).toEqual([
			[
				{ json: { outcome: 'found', id: 'c1' }, pairedItem: { item: 0 } },
				{ json: { outcome: 'not_found', reason: 'not_found' }, pairedItem: { item: 1 } },
			],
		]);
	});

	it('marks an item that failed under "Continue" as an error, not as the output it sits on', () => {
		const failed = { json: { error: 'FlowIQ answered 401 (Invalid API key): API key has been revoked', message: 'Check the API key' } };
		expect(asToolAnswer([[failed], []], ['Found', 'Not Found'])[0][0].json).toEqual({ outcome: 'error', ...failed.json });
	});

	it('leaves a single output as it is', () => {
		const outputs = [[{ json: { message_id: 'wamid.1' } }]];
		expect(asToolAnswer(outputs)).toBe(outputs);
	});
});
