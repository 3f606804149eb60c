'use strict';
/**
 * FlowIQ sandbox fixtures: the organisations, API keys and seeded contacts the local sandbox
 * (sandbox/server.js) answers with. Every value here is fake and only works against the
 * sandbox; none of it is a real FlowIQ credential.
 *
 * API keys (send as `Authorization: Bearer <key>`):
 *   fiq_sandbox_acme_key         valid, organisation "acme"     (tenantId "acme")
 *   fiq_sandbox_globex_key       valid, organisation "globex"   (tenantId "globex")
 *   fiq_sandbox_umbrella_key     valid, organisation "umbrella" (tenantId "umbrella")
 *   fiq_sandbox_revoked_key      revoked key of acme          -> 401 "API key has been revoked"
 *   fiq_sandbox_deleted_org_key  its organisation was deleted -> 404 "Organization not found for API key"
 *   fiq_sandbox_unknown_key      never issued                 -> 401 "API key not found"
 *
 * Seeded contacts: organisation acme starts with "Existing Customer", +27825550100, so a demo
 * always has an "already in FlowIQ" (409) case, and "Quiet Customer", +27825550200, who has never
 * written. sandbox.reset() restores both.
 *
 * Seeded conversation: Existing Customer has 25 messages (customer, bot and a human agent, one
 * image, one voice note, order #1001 mentioned), one minute apart, so GET /conversations pages
 * through 3 pages at limit 10. Quiet Customer has none (200 with an empty list).
 *
 * Sending (POST /send-whatsapp) depends on the organisation's WhatsApp setup, as in FlowIQ:
 *   acme      provider meta, credentials configured  -> messages are "sent"
 *   globex    provider wati                          -> 400 "Invalid provider"
 *   umbrella  provider meta, no credentials          -> 400 "Meta not configured"
 *
 * Shopify: only acme has a (pretend) Shopify connection; ORDERS maps Shopify order ids to order
 * numbers for GET /conversations?orderId=.
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
		// FlowIQ's whatsapp_provider_choice, and whether meta_phone_id + whatsapp_bearer_token are set.
		whatsapp: Object.freeze({ provider: 'meta', metaConfigured: true }),
	}),
	globex: Object.freeze({
		name: 'globex',
		tenantId: 'globex',
		id: 'a0000000-0000-4000-8000-000000000002',
		displayName: 'Globex Corporation',
		whatsapp: Object.freeze({ provider: 'wati', metaConfigured: false }),
	}),
	umbrella: Object.freeze({
		name: 'umbrella',
		tenantId: 'umbrella',
		id: 'a0000000-0000-4000-8000-000000000003',
		displayName: 'Umbrella Corporation',
		whatsapp: Object.freeze({ provider: 'meta', metaConfigured: false }),
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
	umbrella: 'fiq_sandbox_umbrella_key',
	revoked: 'fiq_sandbox_revoked_key',
	deletedOrg: 'fiq_sandbox_deleted_org_key',
	// Well-formed (fiq_ prefix) but never issued: absent from API_KEYS on purpose.
	unknown: 'fiq_sandbox_unknown_key',
});

/** The server's key table: key -> the organisation id it belongs to, and whether it is revoked. */
const API_KEYS = Object.freeze({
	[KEYS.acme]: Object.freeze({ orgId: ORGS.acme.id, revoked: false }),
	[KEYS.globex]: Object.freeze({ orgId: ORGS.globex.id, revoked: false }),
	[KEYS.umbrella]: Object.freeze({ orgId: ORGS.umbrella.id, revoked: false }),
	[KEYS.revoked]: Object.freeze({ orgId: ORGS.acme.id, revoked: true }),
	[KEYS.deletedOrg]: Object.freeze({ orgId: DELETED_ORG.id, revoked: false }),
});

/** Phone numbers with a known outcome against a freshly reset sandbox (organisation acme). */
const PHONES = Object.freeze({
	/** Already in acme as "Existing Customer": POST answers 409, GET answers 200. */
	existing: '+27825550100',
	/** In acme as "Quiet Customer", with no messages. */
	quiet: '+27825550200',
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
		Object.freeze({
			id: 'c0000000-0000-4000-8000-000000000002',
			full_name: 'Quiet Customer',
			whatsapp_id: '27825550200',
			phone_number: PHONES.quiet,
			email: null,
			tags: Object.freeze(['lead']),
			organization_id: ORGS.acme.id,
			...CONTACT_DEFAULTS,
			created_at: '2025-02-03T10:00:00.000Z',
			updated_at: '2025-02-03T10:00:00.000Z',
		}),
	]),
	globex: Object.freeze([]),
	umbrella: Object.freeze([]),
});

/** Shopify order id -> order number, per organisation with a Shopify connection. */
const ORDERS = Object.freeze({
	acme: Object.freeze({
		'5550001001': '#1001',
		'5550001002': '#1002',
	}),
});

const AGENT = 'Thandi Mokoena';
const MEDIA_BASE = 'https://media.sandbox.flowiq.invalid';

/**
 * Builds a stored conversation from [sender_type, text, extra] lines: one minute apart from
 * `startIso`, with the documented message fields. Outbound messages (bot, human) were read,
 * inbound ones received; human messages name the agent who wrote them.
 */
function conversation(startIso, lines) {
	const start = Date.parse(startIso);
	return Object.freeze(
		lines.map(([senderType, text, extra = {}], index) =>
			Object.freeze({
				message: text,
				sender_type: senderType,
				created_at: new Date(start + index * 60000).toISOString(),
				message_status: senderType === 'user-whatsapp' ? 'received' : 'read',
				media_type: null,
				media_url: null,
				assignee: senderType === 'human-whatsapp' ? AGENT : null,
				voice_note_transcription: null,
				reactions: Object.freeze([]),
				...extra,
			}),
		),
	);
}

/** Messages per organisation and whatsapp_id, oldest first. Contacts not listed have none. */
const SEED_CONVERSATIONS = Object.freeze({
	acme: Object.freeze({
		'27825550100': conversation('2025-01-20T08:00:00.000Z', [
			['user-whatsapp', "Hi, I ordered a kettle last week and it hasn't arrived yet"],
			['bot-whatsapp', "Hello! I'm the Acme assistant. Could you share your order number?"],
			['user-whatsapp', "It's order #1001"],
			['bot-whatsapp', 'Thanks! Order #1001 was shipped on 17 January, tracking number CG-558812.'],
			['user-whatsapp', 'The tracking page says delivered but nothing came'],
			['bot-whatsapp', "I'm sorry to hear that. Let me connect you to a team member."],
			['human-whatsapp', "Hi, this is Thandi from Acme support. I'm checking with the courier now."],
			['user-whatsapp', 'Thanks Thandi'],
			['human-whatsapp', 'The courier says it was left at reception. Is there a reception desk at your address?'],
			['user-whatsapp', 'There is, let me check with them'],
			['user-whatsapp', 'This is what they had', { media_type: 'image', media_url: `${MEDIA_BASE}/parcel-photo.jpg` }],
			['human-whatsapp', "That's the right box, but it looks damaged on one corner"],
			['user-whatsapp', 'Yes, the kettle lid is cracked'],
			['human-whatsapp', "I'm sorry about that. We'll send a replacement at no cost."],
			['user-whatsapp', 'That would be great, urgent please, it was a gift'],
			['human-whatsapp', "Understood, I've marked the replacement as urgent."],
			['bot-whatsapp', 'Your replacement order #1002 has been created.'],
			[
				'user-whatsapp',
				null,
				{
					media_type: 'audio',
					media_url: `${MEDIA_BASE}/voice-note.ogg`,
					voice_note_transcription: 'Can you deliver it to my office instead of my home?',
				},
			],
			['human-whatsapp', 'Of course. Please send the office address.'],
			['user-whatsapp', '14 Long Street, Cape Town, 8001'],
			['human-whatsapp', 'Thanks, updated. You should have it by Friday.'],
			['user-whatsapp', 'Perfect, thank you for the help'],
			['bot-whatsapp', 'Is there anything else I can help you with?'],
			['user-whatsapp', "No, that's all"],
			['bot-whatsapp', 'Have a lovely day! Reply any time if you need us.'],
		]),
	}),
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
	SEED_CONVERSATIONS,
	ORDERS,
	isOnWhatsApp,
};
