/**
 * What the fault runs share: a recording proxy between the node and the sandbox, the chains of
 * attempts it saw, and an upper bound on a run's wall time derived from those chains.
 *
 * The sandbox sees requests but not which item each was for; the proxy keeps every attempt's
 * method, path, query and JSON body and what came back, so a test can follow each item's (or
 * page's, or number's) retries and tell the three forms of 429 apart.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

/** What one attempt got: an HTTP status, a connection the sandbox cut, or no answer before the node's timeout. */
export type Answer = number | 'dropped' | 'timed out';

export interface Attempt {
	method: string;
	path: string;
	query: URLSearchParams;
	/** The request's JSON body; undefined for a GET. */
	body: IDataObject | undefined;
	/** When the proxy had the whole request: orders one chain's attempts. */
	started: number;
	answer: Answer | 'pending';
	retryAfter?: string;
}

/**
 * An answer the proxy gives itself, for faults the sandbox cannot aim (one page, say) or make (an
 * answer that is not FlowIQ's). `afterForwarding`: the request reaches the sandbox first, which
 * carries it out; its answer is then replaced.
 */
export type Intercept = (attempt: Attempt) => { status: number; body: IDataObject; afterForwarding?: boolean } | undefined;

export interface RecordingProxy {
	url: string;
	attempts: Attempt[];
	/** The most requests the node had open through the proxy at once. */
	maxInFlight(): number;
	/** Forgets the attempts and the in-flight peak, for the next run. */
	clear(): void;
	close(): Promise<void>;
}

/**
 * Forwards every request to `target` unchanged (unless `intercept` answers it) and records it. A
 * connection the sandbox cuts is cut towards the node too, and a request the node abandons (its
 * timeout) is abandoned upstream, so the sandbox's in-flight count still sees what the node does.
 */
export async function startRecordingProxy(target: string, intercept?: () => Intercept | undefined): Promise<RecordingProxy> {
	const attempts: Attempt[] = [];
	let inFlight = 0;
	let peak = 0;
	const server = createServer((req, res) => {
		inFlight++;
		peak = Math.max(peak, inFlight);
		res.on('close', () => inFlight--);
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const raw = Buffer.concat(chunks);
			const url = new URL(req.url ?? '/', 'http://proxy');
			let body: IDataObject | undefined;
			try {
				body = raw.length ? (JSON.parse(raw.toString()) as IDataObject) : undefined;
			} catch {
				body = undefined;
			}
			const attempt: Attempt = {
				method: req.method ?? '',
				path: url.pathname,
				query: url.searchParams,
				body,
				started: performance.now(),
				answer: 'pending',
			};
			attempts.push(attempt);

			const own = intercept?.()?.(attempt);
			const answerOwn = ({ status, body: ownBody }: { status: number; body: IDataObject }) => {
				attempt.answer = status;
				res.writeHead(status, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify(ownBody));
			};
			if (own && !own.afterForwarding) {
				answerOwn(own);
				return;
			}
			const upstream = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
				if (own) {
					// The sandbox did the work; its answer is dropped for the proxy's own.
					answer.resume();
					answer.on('end', () => answerOwn(own));
					return;
				}
				attempt.answer = answer.statusCode ?? 0;
				attempt.retryAfter = answer.headers['retry-after'];
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			});
			upstream.on('error', () => {
				if (attempt.answer === 'pending') attempt.answer = 'dropped';
				res.destroy();
			});
			res.on('close', () => {
				if (attempt.answer === 'pending') attempt.answer = 'timed out';
				if (!res.writableFinished) upstream.destroy();
			});
			upstream.end(raw);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		attempts,
		maxInFlight: () => peak,
		clear: () => {
			attempts.length = 0;
			peak = inFlight;
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/** The attempts grouped by `key` (attempts it gives no key are left out), each group in the order they started. */
export function chainsBy(attempts: Attempt[], key: (attempt: Attempt) => string | undefined): Map<string, Attempt[]> {
	const chains = new Map<string, Attempt[]>();
	for (const attempt of [...attempts].sort((a, b) => a.started - b.started)) {
		const name = key(attempt);
		if (name !== undefined) chains.set(name, [...(chains.get(name) ?? []), attempt]);
	}
	return chains;
}

/** An answer as the fault figures name it; the three forms of 429 apart. */
export function answerLabel(attempt: Attempt): string {
	if (attempt.answer !== 429) return String(attempt.answer);
	if (attempt.retryAfter === undefined) return '429 no Retry-After';
	return /^\d+$/.test(attempt.retryAfter) ? '429 Retry-After seconds' : '429 Retry-After date';
}

/** How many attempts got each answer, by answerLabel, leaving out the answers `ordinary` names. */
export function countAnswers(attempts: Attempt[], ordinary: (answer: Answer) => boolean = () => false): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const attempt of attempts) {
		if (attempt.answer === 'pending' || ordinary(attempt.answer)) continue;
		counts[answerLabel(attempt)] = (counts[answerLabel(attempt)] ?? 0) + 1;
	}
	return counts;
}

/** Fault kinds and phases as the sandbox logged them (" fault=502/after"), counted. */
export function countLoggedFaults(log: string[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const line of log) {
		const fault = / fault=(\S+)$/.exec(line)?.[1];
		if (fault) counts[fault] = (counts[fault] ?? 0) + 1;
	}
	return counts;
}

/** The node's full-jitter backoff never waits longer than this before retry `n` (transport/backoff.ts). */
export const backoffCeiling = (n: number) => Math.min(60_000, 500 * 2 ** n);

/** n8n's HTTP stack, the proxy hop and the shared event loop, per attempt (about 10 ms measured here). */
export const ATTEMPT_OVERHEAD_MS = 25;

export interface BoundSettings {
	/** The node's Timeout option. */
	timeout: number;
	/** The sandbox's latencyMs + latencyJitterMs: the most it waits before answering. */
	latencyMs: number;
	/** Seconds every 429 with a Retry-After asks for. */
	retryAfterS: number;
	/** Building the workflow, resolving the items' expressions and the outputs. */
	engineOverheadMs: number;
}

/**
 * Upper bound on a run's wall time, from the settings and the answers each chain (one request and
 * its retries) got. While work remains, at least one pool slot is busy with an attempt, a backoff
 * wait or the shared 429 pause, so the run lasts at most the sum of all of them, as if nothing ran
 * in parallel (this holds even when 429s narrow the pool to one request at a time):
 *
 *   bound = Σ attempts   latencyMs + ATTEMPT_OVERHEAD_MS, or timeout + ATTEMPT_OVERHEAD_MS if it timed out
 *         + Σ retries after a network error, timeout, 500, 502, 503, 504   500 ms · 2^n, n = that chain's earlier such retries
 *         + Σ retries after a 429   Retry-After, else 500 ms · 2^m, m = that chain's earlier 429s
 *         + engineOverheadMs
 *
 * Backoff ceilings are capped at 60 s. The bound fails on a hang, an ignored timeout or waits far
 * beyond their ceilings; it is loose by design (the run is parallel), so it says nothing about
 * lost parallelism, which the Max Concurrency checks cover.
 */
export function timeBound(chains: Iterable<Attempt[]>, { timeout, latencyMs, retryAfterS, engineOverheadMs }: BoundSettings): number {
	let bound = engineOverheadMs;
	for (const tries of chains) {
		let retries = 0;
		let rateLimited = 0;
		tries.forEach((attempt, index) => {
			bound += (attempt.answer === 'timed out' ? timeout : latencyMs) + ATTEMPT_OVERHEAD_MS;
			if (index === tries.length - 1) return;
			if (attempt.answer !== 429) {
				bound += backoffCeiling(retries++);
			} else {
				bound += attempt.retryAfter === undefined ? backoffCeiling(rateLimited) : retryAfterS * 1000;
				rateLimited++;
			}
		});
	}
	return Math.round(bound);
}

/**
 * Per chain: only answers in `retried` come before the last one, and retries stay within their
 * limits. 429s do not count against Max Retries; the transport allows Max Retries + 10 of them.
 */
export function expectRetriesWithin(chains: Map<string, Attempt[]>, retried: ReadonlySet<Answer>, maxRetries: number): void {
	for (const [chain, tries] of chains) {
		const early = tries.slice(0, -1).map((attempt) => attempt.answer);
		expect({ chain, early: early.filter((answer) => !retried.has(answer as Answer)) }).toEqual({ chain, early: [] });
		expect({ chain, retries: early.filter((answer) => answer !== 429).length <= maxRetries }).toEqual({ chain, retries: true });
		const rateLimitTries = maxRetries === 0 ? 0 : maxRetries + 10;
		expect({ chain, rateLimited: early.filter((answer) => answer === 429).length <= rateLimitTries }).toEqual({ chain, rateLimited: true });
	}
}
