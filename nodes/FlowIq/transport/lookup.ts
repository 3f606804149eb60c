import type { IDataObject } from 'n8n-workflow';

import type { Exchanged, FlowIqTransport } from './index';
import type { ContactRequestBody } from '../helpers/contactInput';
import { ContactClaims } from './claims';
import { asObject, isContactNotFound, isMissingRoute, problemOf, type Problem } from './outcome';
import { RETRY_WHEN_HARMLESS } from './retry';

/** What FlowIQ knows of one WhatsApp number. */
export type LookupResult =
	/** `serverTime`: FlowIQ's clock when it answered (its Date header), when it gave one. */
	| { kind: 'found'; contact: IDataObject; serverTime?: number }
	| { kind: 'notFound' }
	| { kind: 'failed'; problem: Problem }
	| { kind: 'cancelled'; sent: boolean };

/**
 * Looks contacts up by number, read-only. Newer FlowIQ serves `GET /contact`; on older revisions,
 * which lack it, `GET /conversations?action=find-by-phone` does the same job, and the run keeps
 * using it.
 */
/** Contacts recovered after a lost answer, across every execution in this process. */
const recoveredContacts = new ContactClaims();

export class ContactLookup {
	private getContactMissing = false;

	constructor(private readonly transport: FlowIqTransport) {}

	async find(whatsappId: string): Promise<LookupResult> {
		if (!this.getContactMissing) {
			const answer = await this.transport.call({ method: 'GET', path: '/contact', query: { whatsapp_id: whatsappId } }, RETRY_WHEN_HARMLESS);
			if (answer.kind !== 'answer' || !isMissingRoute(answer.status, answer.body)) return this.read(answer);
			this.getContactMissing = true;
		}
		const answer = await this.transport.call(
			{ method: 'GET', path: '/conversations', query: { action: 'find-by-phone', whatsappNumber: whatsappId } },
			RETRY_WHEN_HARMLESS,
		);
		return this.read(answer);
	}

	/**
	 * The contact FlowIQ reports as existing, if it is the one an attempt whose answer was lost
	 * created: it carries the name and email that attempt sent, FlowIQ created it after the attempt
	 * started, and no other run has claimed it (two executions sending one lead at once).
	 * `undefined` when it is someone else's or cannot be looked up. `claimant` names the run asking.
	 */
	async findOwn(whatsappId: string, sent: ContactRequestBody, lostAttemptAt: number, claimant: string): Promise<IDataObject | undefined> {
		const found = await this.find(whatsappId);
		if (found.kind !== 'found') return undefined;
		const { contact, serverTime } = found;
		// FlowIQ's clock less n8n's, from the answer's Date header: whole seconds, stamped before the
		// answer travelled, so never more than the true difference. Without the header: no allowance.
		const clockDifference = serverTime === undefined ? 0 : serverTime - Date.now();
		const createdAt = Date.parse(String(contact.created_at));
		const sameFields = contact.full_name === sent.name && (contact.email ?? undefined) === sent.email;
		const createdSince = createdAt >= lostAttemptAt + clockDifference;
		return sameFields && createdSince && recoveredContacts.claim(String(contact.id), claimant) ? contact : undefined;
	}

	private read(answer: Exchanged): LookupResult {
		if (answer.kind === 'cancelled') return answer;
		if (answer.kind === 'answer') {
			const contact = asObject(answer.body).contact;
			if (answer.status === 200 && contact && typeof contact === 'object') {
				const serverTime = Date.parse(String(answer.headers.date));
				return { kind: 'found', contact: contact as IDataObject, serverTime: Number.isNaN(serverTime) ? undefined : serverTime };
			}
			if (isContactNotFound(answer.status, answer.body)) {
				return { kind: 'notFound' };
			}
		}
		return { kind: 'failed', problem: problemOf(answer, this.transport.options.timeout) };
	}
}