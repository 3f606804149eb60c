import type { IDataObject } from 'n8n-workflow';

import { collectPages, type Page } from '../../nodes/FlowIq/transport/pagination';

/** A list of `total` items served `pageSize` at a time, answering after `delayMs`, that counts pages in flight. */
function fakeList(total: number, { delayMs = 5, failPage }: { delayMs?: number; failPage?: number } = {}) {
	const items = Array.from({ length: total }, (_, index) => ({ id: index + 1 }));
	const state = { inFlight: 0, maxInFlight: 0, requested: [] as number[] };
	const fetchPage = async (page: number, pageSize: number): Promise<Page> => {
		state.requested.push(page);
		state.inFlight++;
		state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
		// Later pages answer sooner, so taking them in order is the collector's work, not luck.
		await new Promise((resolve) => setTimeout(resolve, delayMs * (10 - (page % 10))));
		state.inFlight--;
		if (page === failPage) throw new Error(`page ${page} failed`);
		const totalPages = Math.ceil(items.length / pageSize);
		return { items: items.slice((page - 1) * pageSize, page * pageSize), totalPages, hasNextPage: page < totalPages };
	};
	return { items, state, fetchPage };
}

const ids = (items: IDataObject[]) => items.map((item) => item.id);

describe('collectPages', () => {
	it('collects every item once, in the list’s order, with at most `concurrency` pages in flight', async () => {
		const list = fakeList(1050);
		const collected = await collectPages(list.fetchPage, { wanted: Infinity, pageSize: 100, concurrency: 4 });
		expect(ids(collected)).toEqual(ids(list.items));
		expect(list.state.requested.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
		expect(list.state.maxInFlight).toBe(4);
	});

	it('stops at `wanted` items and asks for no page beyond them', async () => {
		const list = fakeList(1050);
		const collected = await collectPages(list.fetchPage, { wanted: 250, pageSize: 100, concurrency: 5 });
		expect(ids(collected)).toEqual(ids(list.items.slice(0, 250)));
		expect(list.state.requested.sort()).toEqual([1, 2, 3]);
	});

	it('keeps an item a shifted page shows twice only once', async () => {
		const pages: Page[] = [
			{ items: [{ id: 'a' }, { id: 'b' }], totalPages: 2, hasNextPage: true },
			{ items: [{ id: 'b' }, { id: 'c' }], totalPages: 2, hasNextPage: false },
		];
		const collected = await collectPages(async (page) => pages[page - 1], {
			wanted: Infinity,
			pageSize: 2,
			concurrency: 2,
			identify: (item) => item.id,
		});
		expect(ids(collected)).toEqual(['a', 'b', 'c']);
	});

	it('reads on, page by page, when the list grew past the pages the first one announced', async () => {
		const pages: Page[] = [
			{ items: [{ id: 1 }], totalPages: 2, hasNextPage: true },
			{ items: [{ id: 2 }], totalPages: 3, hasNextPage: true },
			{ items: [{ id: 3 }], totalPages: 3, hasNextPage: false },
		];
		const collected = await collectPages(async (page) => pages[page - 1], { wanted: Infinity, pageSize: 1, concurrency: 3 });
		expect(ids(collected)).toEqual([1, 2, 3]);
	});

	it('follows hasNextPage alone when FlowIQ gives no page count', async () => {
		const fetchPage = async (page: number): Promise<Page> => ({ items: [{ id: page }], hasNextPage: page < 3 });
		expect(ids(await collectPages(fetchPage, { wanted: Infinity, pageSize: 1, concurrency: 3 }))).toEqual([1, 2, 3]);
	});

	it('rejects with a page’s failure only once no page it started is still in flight', async () => {
		const list = fakeList(1000, { failPage: 3 });
		await expect(collectPages(list.fetchPage, { wanted: Infinity, pageSize: 100, concurrency: 4 })).rejects.toThrow('page 3 failed');
		expect(list.state.inFlight).toBe(0);
	});
});
