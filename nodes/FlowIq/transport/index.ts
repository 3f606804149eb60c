import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import { retryDelay } from '../helpers/backoff';
import { apiTarget, type FlowIqCredentials } from '../helpers/credentials';
import type { ContactRequestBody } from '../helpers/contactInput';
import { classifyResponse, type ApiOutcome } from '../helpers/outcome';
import { RatePacer } from '../helpers/pacer';

export interface TransportOptions {
	timeout: number;
	maxRetries: number;
	maxConcurrency: number;
}

/** A final answer for one contact: never `retry`, which the transport resolves itself. */
type FinalAnswer = (
	| Exclude<ApiOutcome, { kind: 'retry' }>
	| { kind: 'network'; error: string; message: string; hint: string }
	| { kind: 'cancelled' }
) & {
	attempts: number;
	/** Some attempt may have reached FlowIQ and created the contact, but its answer was lost. */
	uncertainAttempt: boolean;
};

export type SendResult = FinalAnswer & {
	/** When the first attempt started (ms since the epoch). */
	firstAttemptAt: number;
};

type Exchange =
	| { response: IN8nHttpFullResponse }
	| { failure: { timedOut: boolean; code: string } };

/** How far FlowIQ's clock may run behind n8n's when telling a contact this node created. */
const CLOCK_SKEW_MS = 5_000;

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
 * backoff, and the shared slow-down when FlowIQ answers 429.
 */
export class FlowIqTransport {
	private pausedUntil = 0;
	private readonly pacer = new RatePacer();

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly credentials: ICredentialsDecrypted,
		private readonly options: TransportOptions,
	) {}

	async createContact(body: ContactRequestBody): Promise<SendResult> {
		const firstAttemptAt = Date.now();
		return { ...(await this.sendWithRetries(body)), firstAttemptAt };
	}

	/**
	 * The contact FlowIQ reports as existing, if it is the one an attempt whose answer was lost
	 * created: it carries the name and email that attempt sent, and FlowIQ created it after the
	 * attempt started (less `CLOCK_SKEW_MS`). Looks it up read-only; `undefined` when it is someone
	 * else's or cannot be looked up (a FlowIQ without `GET /contact`).
	 */
	async findOwnContact(
		whatsappId: string,
		sent: ContactRequestBody,
		lostAttemptAt: number,
	): Promise<IDataObject | undefined> {
		const answer = await this.request({ method: 'GET', path: '/contact', query: { whatsapp_id: whatsappId } });
		if (!('response' in answer) || answer.response.statusCode !== 200) return undefined;
		const contact = (answer.response.body as { contact?: IDataObject } | undefined)?.contact;
		if (!contact) return undefined;
		const createdAt = Date.parse(String(contact.created_at));
		const sameFields = contact.full_name === sent.name && (contact.email ?? undefined) === sent.email;
		return sameFields && createdAt >= lostAttemptAt - CLOCK_SKEW_MS ? contact : undefined;
	}

	private async sendWithRetries(body: ContactRequestBody): Promise<FinalAnswer> {
		const { maxRetries } = this.options;
		const rateLimitTries = maxRetries === 0 ? 0 : maxRetries + RATE_LIMIT_EXTRA_TRIES;
		let retries = 0;
		let rateLimitRetries = 0;
		let uncertainAttempt = false;

		for (let attempts = 1; ; attempts++) {
			if (!(await this.waitForPause()) || !(await this.sleep(this.pacer.reserve()))) {
				return { kind: 'cancelled', attempts, uncertainAttempt };
			}
			const exchange = await this.post(body);
			const cancelled = this.cancelSignal()?.aborted;
			if (cancelled) return { kind: 'cancelled', attempts, uncertainAttempt };

			if ('failure' in exchange) {
				const { timedOut, code } = exchange.failure;
				if (retries < maxRetries) {
					uncertainAttempt = true;
					await this.sleep(retryDelay(retries++, undefined));
					continue;
				}
				return {
					kind: 'network',
					error: timedOut ? 'Timed out' : 'Network error',
					message: timedOut
						? `FlowIQ did not answer within ${this.options.timeout} ms: the outcome is unknown, the contact may have been created`
						: `The connection to FlowIQ failed (${code}): the outcome is unknown, the contact may have been created`,
					hint: timedOut
						? 'Look the number up in FlowIQ before running again, or raise Timeout in the node options'
						: 'Check the Base URL in the FlowIQ API credential and this machine’s network',
					attempts,
					uncertainAttempt: true,
				};
			}

			const { statusCode, body: answer, headers } = exchange.response;
			const outcome = classifyResponse(statusCode, answer);
			// A 500, or a 502 or 504 from a proxy, can hide a request that FlowIQ did carry out.
			uncertainAttempt ||= statusCode >= 500 && statusCode !== 503;
			if (statusCode !== 429) this.pacer.recordAccepted();
			if (outcome.kind !== 'retry') {
				return { ...outcome, attempts, uncertainAttempt };
			}

			const retryAfter = headers?.['retry-after'];
			if (statusCode === 429) {
				if (rateLimitRetries >= rateLimitTries) {
					return this.gaveUp(outcome, attempts, uncertainAttempt);
				}
				const wait = retryDelay(rateLimitRetries++, retryAfter);
				// The first 429 pauses every request; after that the pace keeps the rest under the
				// limit, and only the request FlowIQ turned away waits out its Retry-After.
				if (this.pacer.currentRate() === undefined) this.pausedUntil = Math.max(this.pausedUntil, Date.now() + wait);
				else if (!(await this.sleep(wait))) return { kind: 'cancelled', attempts, uncertainAttempt };
				this.pacer.recordRateLimited();
				continue;
			}
			if (retries >= maxRetries) return this.gaveUp(outcome, attempts, uncertainAttempt);
			await this.sleep(retryDelay(retries++, retryAfter));
		}
	}

	private gaveUp(
		outcome: Extract<ApiOutcome, { kind: 'retry' }>,
		attempts: number,
		uncertainAttempt: boolean,
	): FinalAnswer {
		return {
			kind: 'failed',
			status: outcome.status,
			error: outcome.error,
			message: `${outcome.message} (gave up after ${attempts} attempts)`,
			hint:
				outcome.status === 429
					? 'FlowIQ is rate limiting this key: lower Max Concurrency, or spread the run out'
					: 'FlowIQ is unavailable. Try again later; contacts already created stay created',
			attempts,
			uncertainAttempt,
		};
	}

	private async post(body: ContactRequestBody): Promise<Exchange> {
		return await this.request({ method: 'POST', path: '/contact', body });
	}

	private async request({
		method,
		path,
		query,
		body,
	}: {
		method: 'GET' | 'POST';
		path: string;
		query?: Record<string, string>;
		body?: ContactRequestBody;
	}): Promise<Exchange> {
		const request: IHttpRequestOptions = {
			method,
			...apiTarget(this.credentials.data as unknown as FlowIqCredentials, path, query),
			body,
			json: true,
			timeout: this.options.timeout,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		};
		try {
			const response = (await this.context.helpers.httpRequestWithAuthentication.call(
				this.context,
				'flowIqApi',
				request,
				{ credentialsDecrypted: this.credentials },
			)) as IN8nHttpFullResponse;
			return { response };
		} catch (error) {
			// Only the code is kept: the error n8n hands back can carry the request, key included.
			return { failure: networkFailure(error) };
		}
	}

	private cancelSignal(): AbortSignal | undefined {
		return this.context.getExecutionCancelSignal?.();
	}

	/** Resolves `false` when the execution was cancelled during the wait. */
	private async waitForPause(): Promise<boolean> {
		while (this.pausedUntil > Date.now()) {
			if (!(await this.sleep(this.pausedUntil - Date.now()))) return false;
		}
		return !this.cancelSignal()?.aborted;
	}

	/** Resolves `false` early when the execution is cancelled. */
	private async sleep(ms: number): Promise<boolean> {
		const signal = this.cancelSignal();
		if (signal?.aborted) return false;
		return await new Promise<boolean>((resolve) => {
			const onAbort = () => {
				clearTimeout(timer);
				resolve(false);
			};
			const timer = setTimeout(() => {
				signal?.removeEventListener('abort', onAbort);
				resolve(true);
			}, ms);
			signal?.addEventListener('abort', onAbort, { once: true });
		});
	}
}
