/**
 * Contacts that runs of the node recovered as their own after a lost answer, so that two
 * executions sending the same lead at once (a webhook delivered twice) cannot both report one
 * contact as Created. Claims are forgotten after `ttlMs`: by then no run still waits on a retry.
 */
export class ContactClaims {
	/** Contact id → who claimed it and when, oldest first. */
	private readonly claims = new Map<string, { claimant: string; at: number }>();

	constructor(
		private readonly ttlMs = 10 * 60 * 1000,
		private readonly now: () => number = Date.now,
	) {}

	/** True when `claimant` may report contact `id` as its own: no other claimant holds it. */
	claim(id: string, claimant: string): boolean {
		const now = this.now();
		for (const [key, { at }] of this.claims) {
			if (at > now - this.ttlMs) break;
			this.claims.delete(key);
		}
		const holder = this.claims.get(id);
		if (holder) return holder.claimant === claimant;
		this.claims.set(id, { claimant, at: now });
		return true;
	}
}
