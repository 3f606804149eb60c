import { ContactClaims } from '../../nodes/FlowIq/transport/claims';

describe('ContactClaims', () => {
	it('lets one claimant have a contact, again and again, and nobody else', () => {
		const claims = new ContactClaims();
		expect(claims.claim('c1', 'run A')).toBe(true);
		expect(claims.claim('c1', 'run B')).toBe(false);
		expect(claims.claim('c1', 'run A')).toBe(true);
		expect(claims.claim('c2', 'run B')).toBe(true);
	});

	it('forgets claims older than its time to live', () => {
		let now = 0;
		const claims = new ContactClaims(1000, () => now);
		claims.claim('c1', 'run A');
		now = 999;
		expect(claims.claim('c1', 'run B')).toBe(false);
		now = 1001;
		expect(claims.claim('c1', 'run B')).toBe(true);
	});
});
