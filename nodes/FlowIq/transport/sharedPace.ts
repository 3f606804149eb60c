import { RatePacer } from './pacer';

/** One FlowIQ account's pace, shared by the runs in this process that talk to it at the same time. */
export interface SharedPace {
	pacer: RatePacer;
	/** No request starts before this time (ms since the epoch): FlowIQ asked to wait. */
	pausedUntil: number;
}

interface Entry {
	pace: SharedPace;
	/** Runs holding the pace now. */
	holders: number;
}

const paces = new Map<string, Entry>();

/**
 * The pace for a FlowIQ account (Base URL and key), held until `release()`. Runs at the same time
 * (a webhook that creates one lead per execution, hundreds at once) share it: the first 429
 * pauses them all, and they then share one rate instead of each finding the limit on its own.
 * When the last holder releases it, it is forgotten: a later run starts unpaced, as FlowIQ's limit
 * or the account's other traffic may have changed.
 */
export function holdPace(baseUrl: string, apiKey: string, maxConcurrency: number): { pace: SharedPace; release: () => void } {
	// In this process's memory only, never shown; the key tells two accounts on one URL apart.
	const account = `${baseUrl}\n${apiKey}`;
	let entry = paces.get(account);
	if (!entry) {
		entry = { pace: { pacer: new RatePacer(maxConcurrency), pausedUntil: 0 }, holders: 0 };
		paces.set(account, entry);
	}
	const held = entry;
	held.holders++;
	let released = false;
	return {
		pace: held.pace,
		release: () => {
			if (released) return;
			released = true;
			if (--held.holders === 0 && paces.get(account) === held) paces.delete(account);
		},
	};
}
