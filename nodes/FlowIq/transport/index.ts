import {
	sleep,
	type ICredentialsDecrypted,
	type IDataObject,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
} from 'n8n-workflow';

import { retryDelay } from './backoff';
import { apiBaseUrl, apiTarget, type FlowIqCredentials } from '../helpers/credentials';
import type { ContactRequestBody } from '../helpers/contactInput';
import type { FlowIqContext } from './credential';
import { classifyResponse, noAnswerFailure, type ApiOutcome, type Exchanged } from './outcome';
import { RETRY_WHEN_HARMLESS, type RetryRule } from './retry';
import { holdPace, type SharedPace } from './sharedPace';
import { redactDeep } from './redact';

export type { Exchanged };

export interface TransportOptions {
	timeout: number;
	maxRetries: number;
	maxConcurrency: number;
}

/** One request to FlowIQ: a path of the API, its query (the Tenant ID is added) and JSON body. */
export interface ApiCall {
	method: 'GET' | 'POST';
	path: string;
	query?: Record<string, string>;
	body?: object;
}

/** What became of one contact sent to `POST /contact`. */
export type CreateResult = (
	| ApiOutcome
	| { kind: 'network'; error: string; message: string; hint: string }
	| { kind: 'cancelled'; sent: boolean }
) & {
	attempts: number;
	/** Some attempt may have reached FlowIQ and created the contact, but its answer was lost. */
	uncertainAttempt: boolean;
	/** When the first attempt started (ms since the epoch). */
	firstAttemptAt: number;
};

type Attempt =
	| { response: IN8nHttpFullResponse }
	| { failure: { timedOut: boolean; code: string } };

/**
 * 429s are FlowIQ asking us to slow down, not failures: they pause and then pace every request
 * instead of counting against Max Retries, up to this many extra tries per contact.
 */
const RATE_LIMIT_EXTRA_TRIES = 10;

/** What n8n's HTTP helper says of a request that failed below HTTP: it wraps the cause away. */
interface WrappedNetworkError {
	httpCode?: unknown;
	code?: unknown;
	message?: unknown;
	messages?: unknown;
}

function networkFailure(error: WrappedNetworkError): { timedOut: boolean; code: string } {
	const code = [error.httpCode, error.code].find((value) => typeof value === 'string' && /^E[A-Z_]+$/.test(value));
	const words = [error.message, ...(Array.isArray(error.messages) ? error.messages : [])].join(' ');
	return {
		timedOut: code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(words),
		code: (code as string | undefined) ?? 'no answer',
	};
}

/**
 * Everything that talks to FlowIQ for one node run: authentication, tenant, timeout, retries with
 * backoff, and the slow-down when FlowIQ answers 429, shared with the other runs using the same
 * account at the same time. `release()` when the run is over.
 */
export class FlowIqTransport {
	/** Shared with the runs in this process that use the same FlowIQ account at the same time. */
	private readonly pace: SharedPace;
	/** Lets go of the shared pace: the run is over. */
	readonly release: () => void;

	constructor(
		private readonly context: FlowIqContext,
		private readonly credentials: ICredentialsDecrypted,
		readonly options: TransportOptions,
	) {
		const account = credentials.data as unknown as FlowIqCredentials;
		({ pace: this.pace, release: this.release } = holdPace(apiBaseUrl(account), account.apiKey.trim(), options.maxConcurrency));
	}

	async createContact(body: ContactRequestBody): Promise<CreateResult> {
		const firstAttemptAt = Date.now();
		const exchanged = await this.call({ method: 'POST', path: '/contact', body }, RETRY_WHEN_HARMLESS);
		const { attempts, uncertainAttempt } = exchanged;
		if (exchanged.kind === 'cancelled') return { ...exchanged, firstAttemptAt };
		if (exchanged.kind === 'noAnswer') {
			const words = noAnswerFailure(exchanged, this.options.timeout, ': the outcome is unknown, the contact may have been created');
			return {
				kind: 'network',
				...words,
				hint: exchanged.timedOut ? 'Look the number up in FlowIQ before running again, or raise Timeout in the node options' : words.hint,
				attempts,
				uncertainAttempt,
				firstAttemptAt,
			};
		}
		const outcome = classifyResponse(exchanged.status, exchanged.body, { location: exchanged.headers.location, attempts });
		return { ...outcome, attempts, uncertainAttempt, firstAttemptAt };
	}

	/**
	 * Sends one request until FlowIQ gives an answer `rule` does not retry, the tries run out, or the
	 * execution is cancelled. Every request waits for the shared pause and pace after a 429.
	 */
	async call(call: ApiCall, rule: RetryRule): Promise<Exchanged> {
		const { maxRetries } = this.options;
		const rateLimitTries = maxRetries === 0 ? 0 : maxRetries + RATE_LIMIT_EXTRA_TRIES;
		let retries = 0;
		let rateLimitRetries = 0;
		let uncertainAttempt = false;

		for (let attempts = 1; ; attempts++) {
			// Cancelled between attempts: FlowIQ may have acted only on an attempt whose answer was lost.
			if (!(await this.waitForPause()) || !(await this.sleep(this.pace.pacer.reserve()))) {
				return { kind: 'cancelled', sent: uncertainAttempt, attempts, uncertainAttempt };
			}
			const sentAt = Date.now();
			const attempt = await this.request(call);
			const latencyMs = Date.now() - sentAt;

			if ('failure' in attempt) {
				// Cancelling aborts the request in flight: it may have reached FlowIQ.
				if (this.cancelSignal()?.aborted) return { kind: 'cancelled', sent: true, attempts, uncertainAttempt: true };
				uncertainAttempt = true;
				if (rule.retryLostAnswers && retries < maxRetries) {
					await this.sleep(retryDelay(retries++, undefined));
					continue;
				}
				return { kind: 'noAnswer', ...attempt.failure, attempts, uncertainAttempt };
			}

			const { statusCode: status, body, headers = {} } = attempt.response;
			// Any 5xx can hide a request that FlowIQ did carry out: a proxy answers 502, 503 or 504
			// for an upstream that acted and then went silent.
			uncertainAttempt ||= status >= 500;
			const answer = { kind: 'answer' as const, status, body, headers: headers as IDataObject, attempts, uncertainAttempt };
			if (status !== 429) this.pace.pacer.recordAccepted(latencyMs);
			if (!rule.retries(status)) return { ...answer, gaveUp: false };

			const retryAfter = headers['retry-after'];
			if (status === 429) {
				if (rateLimitRetries >= rateLimitTries) return { ...answer, gaveUp: true };
				const wait = retryDelay(rateLimitRetries++, retryAfter);
				// The first 429 pauses every request; after that the pace keeps the rest under the
				// limit, and only the request FlowIQ turned away waits out its Retry-After.
				if (this.pace.pacer.currentRate() === undefined) this.pace.pausedUntil = Math.max(this.pace.pausedUntil, Date.now() + wait);
				else if (!(await this.sleep(wait))) return { kind: 'cancelled', sent: uncertainAttempt, attempts, uncertainAttempt };
				this.pace.pacer.recordRateLimited(latencyMs);
				continue;
			}
			if (retries >= maxRetries) return { ...answer, gaveUp: true };
			await this.sleep(retryDelay(retries++, retryAfter));
		}
	}

	private async request({ method, path, query, body }: ApiCall): Promise<Attempt> {
		const credentials = this.credentials.data as unknown as FlowIqCredentials;
		const request: IHttpRequestOptions = {
			method,
			...apiTarget(credentials, path, query),
			body,
			json: true,
			timeout: this.options.timeout,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// A redirect would carry the key to wherever it points: a 3xx is an answer, never followed.
			disableFollowRedirect: true,
		};
		const exchange = this.context.helpers.httpRequestWithAuthentication
			.call(this.context, 'flowIqApi', request, { credentialsDecrypted: this.credentials })
			.then(
				(response) => {
					const { statusCode, headers, body: answer } = response as IN8nHttpFullResponse;
					// Servers and proxies may echo the request, Authorization header included.
					const redacted = { statusCode, headers: redactDeep(headers, credentials.apiKey), body: redactDeep(answer, credentials.apiKey) };
					return { response: redacted as IN8nHttpFullResponse };
				},
				// Only the code is kept: the error n8n hands back can carry the request, key included.
				(error: WrappedNetworkError) => ({ failure: networkFailure(error) }),
			);
		// The helper's timeout only measures silence, and n8n replaces any abort signal with the
		// execution's own: an answer dripped byte by byte would hold the attempt for as long as it
		// drips. So the attempt's deadline is a race; a late answer is ignored. An answer in time ends
		// the deadline's wait (on 1.x its timer still runs out later, and sends nothing).
		const answered = new AbortController();
		const attempt = exchange.finally(() => answered.abort());
		const deadline = sleepUnlessAborted(this.options.timeout, answered.signal).then((ranOut) =>
			ranOut ? ({ failure: { timedOut: true, code: 'ETIMEDOUT' } } satisfies Attempt) : attempt,
		);
		return await Promise.race([attempt, deadline]);
	}

	/** The execution's cancel signal; the trigger's webhook set-up runs outside any execution and has none. */
	private cancelSignal(): AbortSignal | undefined {
		return 'getExecutionCancelSignal' in this.context ? this.context.getExecutionCancelSignal?.() : undefined;
	}

	/** Resolves `false` when the execution was cancelled during the wait. */
	private async waitForPause(): Promise<boolean> {
		while (this.pace.pausedUntil > Date.now()) {
			if (!(await this.sleep(this.pace.pausedUntil - Date.now()))) return false;
		}
		return !this.cancelSignal()?.aborted;
	}

	/** Resolves `false` early when the execution is cancelled. */
	private async sleep(ms: number): Promise<boolean> {
		const signal = this.cancelSignal();
		if (signal?.aborted) return false;
		// No wait, no timer: a timer of 0 still costs a turn of the event loop, about 1 ms, per request.
		if (ms <= 0) return true;
		if (!signal) {
			await sleep(ms);
			return true;
		}
		return await sleepUnlessAborted(ms, signal);
	}
}

/**
 * n8n-workflow's `sleep`, the one wait both majors export. From 2.34 it takes an abort signal, then
 * clears its timer and rejects when the signal fires; 1.x's takes only the time.
 */
const sleepWithSignal = sleep as (ms: number, abortSignal?: AbortSignal) => Promise<void>;

/**
 * Resolves `true` after `ms`, or `false` as soon as `signal` fires. n8n 1.x ignores the signal in
 * `sleep`, so the abort is raced beside it: there the timer of a wait cut short runs out unheard.
 */
async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
	if (signal.aborted) return false;
	let onAbort = () => {};
	const aborted = new Promise<boolean>((resolve) => {
		onAbort = () => resolve(false);
		signal.addEventListener('abort', onAbort, { once: true });
	});
	const slept = sleepWithSignal(ms, signal).then(
		() => true,
		() => false,
	);
	try {
		return await Promise.race([slept, aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}
