import type { IDataObject } from 'n8n-workflow';

import type { FlowIqTransport } from './index';
import { asObject, isContactNotFound, problemOf, type Problem } from './outcome';
import { RETRY_WHEN_HARMLESS } from './retry';

/** One page of a FlowIQ list: its items and what its `pagination` says of the rest. */
export interface Page {
	items: IDataObject[];
	/** `pagination.totalPages`, when FlowIQ gave it. */
	totalPages?: number;
	hasNextPage: boolean;
}

export interface PageRequest {
	/** How many items to collect at most: `Infinity` for all. */
	wanted: number;
	pageSize: number;
	/** Pages in flight at once, at most. */
	concurrency: number;
	/** Identifies an item, so one that a page shift shows twice is kept once. */
	identify?: (item: IDataObject) => unknown;
}

type Settled = { page: Page } | { error: unknown };

/**
 * Collects a list's items in FlowIQ's order. The first page tells how many pages there are; the
 * rest are fetched `concurrency` at a time and taken in order, so few pages wait in memory. When the list grew meanwhile (the last page says there is more), the rest follows page
 * by page. `fetchPage` rejects when a page cannot be had; then so does this, once no page it
 * started is still in flight.
 */
export async function collectPages(
	fetchPage: (page: number, pageSize: number) => Promise<Page>,
	{ wanted, pageSize, concurrency, identify }: PageRequest,
): Promise<IDataObject[]> {
	const collected: IDataObject[] = [];
	const seen = new Set<unknown>();
	/** Takes a page's items; false when the list ends with it or enough items are in. */
	const take = (page: Page): boolean => {
		for (const item of page.items) {
			if (collected.length >= wanted) return false;
			const id = identify?.(item);
			if (id !== undefined && id !== null) {
				if (seen.has(id)) continue;
				seen.add(id);
			}
			collected.push(item);
		}
		return page.hasNextPage && page.items.length > 0 && collected.length < wanted;
	};

	const first = await fetchPage(1, pageSize);
	if (!take(first)) return collected;

	const lastNeeded = Math.min(first.totalPages ?? 1, Math.ceil(wanted / pageSize));
	/** Pages started, in page order; each settles, never rejects, so a failure waits its turn. */
	const started: Array<Promise<Settled>> = [];
	let running = 0;
	let nextPage = 2;
	let stopped = false;
	// A new page starts whenever one answers, not when the oldest is taken: a slow page does not
	// hold the others back. At most twice `concurrency` answered pages wait to be taken.
	const launch = () => {
		const slots = Math.max(1, concurrency);
		while (!stopped && running < slots && started.length < 2 * slots && nextPage <= lastNeeded) {
			running++;
			started.push(
				fetchPage(nextPage++, pageSize).then(
					(page) => ({ page }),
					(error: unknown) => ({ error }),
				).then((settled) => {
					running--;
					launch();
					return settled;
				}),
			);
		}
	};
	launch();
	let more = true;
	while (more && started.length > 0) {
		const settled = await started.shift()!;
		if ('error' in settled) {
			stopped = true;
			await Promise.all(started);
			throw settled.error;
		}
		more = take(settled.page);
		launch();
	}
	if (!more) {
		stopped = true;
		await Promise.all(started);
		return collected;
	}
	// Beyond the pages the first one announced: the list grew while it was read.
	do more = take(await fetchPage(nextPage++, pageSize));
	while (more);
	return collected;
}

/** Why a page of a list could not be had: FlowIQ's problem, or the execution was cancelled. */
export class PageUnavailable extends Error {
	constructor(
		readonly problem: Problem | undefined,
		/** FlowIQ knows no contact with the number or ID the list was asked for. */
		readonly contactNotFound = false,
	) {
		super(problem?.message ?? 'cancelled');
	}
}

/**
 * Pages of a `GET /conversations` list (`listKey`: "contacts" or "messages"), read with retries.
 * Rejects with PageUnavailable.
 */
export function conversationsPages(
	transport: FlowIqTransport,
	query: Record<string, string>,
	listKey: 'contacts' | 'messages',
): (page: number, pageSize: number) => Promise<Page> {
	return async (page, pageSize) => {
		const answer = await transport.call(
			{ method: 'GET', path: '/conversations', query: { ...query, page: String(page), limit: String(pageSize) } },
			RETRY_WHEN_HARMLESS,
		);
		if (answer.kind === 'cancelled') throw new PageUnavailable(undefined);
		const fields = answer.kind === 'answer' ? asObject(answer.body) : {};
		const list = fields[listKey];
		if (answer.kind === 'answer' && answer.status === 200 && Array.isArray(list)) {
			const pagination = asObject(fields.pagination);
			const totalPages = Number(pagination.totalPages);
			return {
				items: list as IDataObject[],
				totalPages: Number.isInteger(totalPages) ? totalPages : undefined,
				hasNextPage: pagination.hasNextPage === true,
			};
		}
		const notFound = answer.kind === 'answer' && isContactNotFound(answer.status, answer.body);
		throw new PageUnavailable(problemOf(answer, transport.options.timeout), notFound);
	};
}
