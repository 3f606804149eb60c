/** Which failures a request may be sent again after. Each operation picks the rule that is safe for it. */
export interface RetryRule {
	/** Whether an answer with this status may be followed by sending the request again. */
	retries: (status: number) => boolean;
	/** Whether a request whose answer never came (timeout, dropped connection) may be sent again. */
	retryLostAnswers: boolean;
}

/**
 * Reads, and creating a contact: FlowIQ answers a repeated create with 409 and the node recognises
 * its own contact behind it, so a repeat is harmless. Every 5xx: FlowIQ's own errors, and those of
 * the proxies in front of it, are often passing ones.
 */
export const RETRY_WHEN_HARMLESS: RetryRule = {
	retries: (status) => status === 429 || status >= 500,
	retryLostAnswers: true,
};

/**
 * Sending a WhatsApp message: a repeat would reach the customer twice. Only the answers that say
 * FlowIQ did nothing are retried: 429 (slow down) and 503 (not processed). A timeout, a dropped
 * connection, a 500, 502 or 504 may follow a message that went out.
 */
export const RETRY_WHEN_NOT_PROCESSED: RetryRule = {
	retries: (status) => status === 429 || status === 503,
	retryLostAnswers: false,
};
