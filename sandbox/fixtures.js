'use strict';
/**
 * FlowIQ sandbox fixtures: the organisations, API keys and seeded contacts the local sandbox
 * (sandbox/server.js) answers with. Every value here is fake and only works against the
 * sandbox; none of it is a real FlowIQ credential.
 *
 * API keys (send as `Authorization: Bearer <key>`):
 *   fiq_sandbox_acme_key         valid, organisation "acme"   (tenantId "acme")
 *   fiq_sandbox_globex_key       valid, organisation "globex" (tenantId "globex")
 *   fiq_sandbox_revoked_key      revoked key of acme          -> 401 "API key has been revoked"
 *   fiq_sandbox_deleted_org_key  its organisation was deleted -> 404 "Organization not found for API key"
 *   fiq_sandbox_unknown_key      never issued                 -> 401 "API key not found"
 *
 * Seeded contact: organisation acme starts with "Existing Customer", +27825550100, so a demo
 * always has an "already in FlowIQ" (409) case. sandbox.reset() restores it.
 *
 * The "not on WhatsApp" rule: the real API asks a verification service whether a number is on
 * WhatsApp. The sandbox cannot, so it uses a fixed rule instead: a number whose digits END IN
 * 0000 is not on WhatsApp (e.g. +27825550000) -> 400 "Invalid WhatsApp number". Every other
 * number of at least 10 digits is treated as registered.
 */

/** Organisations that exist. `name` is the key used by sandbox.contacts(org) and ?org=. */
const ORGS = Object.freeze({
	acme: Object.freeze({
		name: 'acme',
		tenantId: 'acme',
		id: 'a0000000-0000-4000-8000-000000000001',
		displayName: 'Acme Corporation',
	}),
	globex: Object.freeze({
		name: 'globex',
		tenantId: 'globex',
		id: 'a0000000-0000-4000-8000-000000000002',
		displayName: 'Globex Corporation',
	}),
});

/**
 * The organisation behind KEYS.deletedOrg. It is deliberately NOT in ORGS: the key still exists
 * but points at an organisation that was deleted, which the real API answers with a 404.
 */
const DELETED_ORG = Object.freeze({
	name: 'initech',
	tenantId: 'initech',
	id: 'a0000000-0000-4000-8000-00000000dead',
});

/** Key strings, by role, so tests and demos never spell them out. */
const KEYS = Object.freeze({
	acme: 'fiq_sandbox_acme_key',
	globex: 'fiq_sandbox_globex_key',
	revoked: 'fiq_sandbox_revoked_key',
	deletedOrg: 'fiq_sandbox_deleted_org_key',
	// Well-formed (fiq_ prefix) but never issued: absent from API_KEYS on purpose.
	unknown: 'fiq_sandbox_unknown_key',
});

/** The server's key table: key -> the organisation id it belongs to, and whether it is revoked. */
const API_KEYS = Object.freeze({
	[KEYS.acme]: Object.freeze({ orgId: ORGS.acme.id, revoked: false }),
	[KEYS.globex]: Object.freeze({ orgId: ORGS.globex.id, revoked: false }),
	[KEYS.revoked]: Object.freeze({ orgId: ORGS.acme.id, revoked: true }),
	[KEYS.deletedOrg]: Object.freeze({ orgId: DELETED_ORG.id, revoked: false }),
});

/** Phone numbers with a known outcome against a freshly reset sandbox (organisation acme). */
const PHONES = Object.freeze({
	/** Already in acme as "Existing Customer": POST answers 409, GET answers 200. */
	existing: '+27825550100',
	/** Ends in 0000, so "not on WhatsApp": POST answers 400 Invalid WhatsApp number. */
	notOnWhatsApp: '+27825550000',
	/** Fewer than 10 digits: POST answers 400 Invalid phone number. */
	tooShort: '+2782555',
	/** Valid and not seeded: the first POST answers 201. */
	fresh: '+27825550123',
});

/** What FlowIQ sets on every new contact (create-contact.md, "Contact Properties"). */
const CONTACT_DEFAULTS = Object.freeze({
	bot_status: true,
	allow_broadcast: true,
	archived: false,
	blocked: false,
	active_status: false,
	has_unread_messages: false,
	source: Object.freeze({ type: 'api' }),
	contact_summary: null,
	contact_summary_updated_at: null,
});

/** Contacts each organisation starts with (and returns to on reset). */
const SEED_CONTACTS = Object.freeze({
	acme: Object.freeze([
		Object.freeze({
			id: 'c0000000-0000-4000-8000-000000000001',
			full_name: 'Existing Customer',
			whatsapp_id: '27825550100',
			phone_number: PHONES.existing,
			email: 'existing.customer@example.com',
			tags: Object.freeze(['customer']),
			organization_id: ORGS.acme.id,
			...CONTACT_DEFAULTS,
			created_at: '2025-01-15T09:00:00.000Z',
			updated_at: '2025-01-15T09:00:00.000Z',
		}),
	]),
	globex: Object.freeze([]),
});

/** The documented sandbox rule (see the header): digits ending in 0000 are not on WhatsApp. */
function isOnWhatsApp(digits) {
	return !String(digits).endsWith('0000');
}

module.exports = {
	ORGS,
	DELETED_ORG,
	KEYS,
	API_KEYS,
	PHONES,
	CONTACT_DEFAULTS,
	SEED_CONTACTS,
	isOnWhatsApp,
};
