/**
 * The bad-input corpus checked against a `cleanContact`: the source's (badInput.test.ts) or the
 * one built into the packed tarball with libphonenumber-js bundled in (pack.test.js).
 */
import type { cleanContact as CleanContact } from '../../nodes/FlowIq/helpers/contactInput';
import { BAD_INPUT_CORPUS } from './badInputCorpus';

/** Reasons the cleaning gives before any request; the others come from FlowIQ. */
export const LOCAL_REASONS = new Set(['missing_name', 'missing_phone', 'invalid_phone', 'invalid_email', 'invalid_tags']);

/** Expects `cleanContact` to clean every corpus case as the case says: its local reason, or what FlowIQ would store. */
export function expectCorpusCleanedBy(cleanContact: typeof CleanContact): void {
	for (const c of BAD_INPUT_CORPUS) {
		const cleaned = cleanContact(
			{ name: c.input.name, phoneNumber: c.input.phone, email: c.input.email, tags: c.input.tags },
			c.defaultCountry?.trim().toUpperCase() || undefined,
		);
		const { reason, phone_number, name, email, tags } = c.expect;
		if (reason && LOCAL_REASONS.has(reason)) {
			expect({ case: c.name, ok: cleaned.ok, reason: !cleaned.ok && cleaned.reason }).toEqual({ case: c.name, ok: false, reason });
			continue;
		}
		expect({ case: c.name, ok: cleaned.ok }).toEqual({ case: c.name, ok: true });
		if (!cleaned.ok) continue;
		// In the shape FlowIQ stores: no email is null, tags are a list.
		const sent = cleaned.value;
		const stored = { phone_number: sent.phone_number, name: sent.name, email: sent.email ?? null, tags: sent.tags?.split(',') ?? [] };
		const wanted = Object.entries({ phone_number, name, email, tags }).filter(([, value]) => value !== undefined);
		expect({ case: c.name, ...stored }).toMatchObject({ case: c.name, ...Object.fromEntries(wanted) });
	}
}
