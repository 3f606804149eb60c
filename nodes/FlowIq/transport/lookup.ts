import type { IDataObject } from 'n8n-workflow';

import type { Exchanged, FlowIqTransport } from '.';
import { asObject, errorWords, isContactNotFound, isMissingRoute, problemOf, type Problem } from './outcome';
import { RETRY_WHEN_HARMLESS } from './retry';

/** What FlowIQ knows of one WhatsApp number. */
export type LookupResult =
	/** `serverTime`: FlowIQ's clock when it answered (its Date header), when it gave one. */
	| { kind: 'found'; contact: IDataObject; serverTime?: number }
	| { kind: 'notFound'; message: string }
	| { kind: 'failed'; problem: Problem }
	| { kind: 'cancelled'; sent: boolean };

/**
 * Looks contacts up by number, read-only. Newer FlowIQ serves `GET /contact`; on older revisions,
 * which lack it, `GET /conversations?action=find-by-phone` does the same job, and the run keeps
 * using it.
 */
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

	private read(answer: Exchanged): LookupResult {
		if (answer.kind === 'cancelled') return answer;
		if (answer.kind === 'answer') {
			const contact = asObject(answer.body).contact;
			if (answer.status === 200 && contact && typeof contact === 'object') {
				const serverTime = Date.parse(String(answer.headers.date));
				return { kind: 'found', contact: contact as IDataObject, serverTime: Number.isNaN(serverTime) ? undefined : serverTime };
			}
			if (isContactNotFound(answer.status, answer.body)) {
				return { kind: 'notFound', message: errorWords(answer.status, answer.body).message };
			}
		}
		return { kind: 'failed', problem: problemOf(answer, this.transport.options.timeout) };
	}
}
