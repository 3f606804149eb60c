import { lead, runFlowIq, useSandbox } from './harness';

/** Executions of one lead each, started at once: what a busy Webhook → FlowIQ workflow does. */
const EXECUTIONS = 120;
const RATE_LIMIT = 30;

const sandbox = useSandbox({ rateLimit: RATE_LIMIT, latencyMs: 20 });

describe('Executions running at the same time, one FlowIQ account', () => {
	it(
		'share one pace: after the first wave of 429s they slow down together, and none fails',
		async () => {
			const runs = await Promise.all(
				Array.from({ length: EXECUTIONS }, () =>
					runFlowIq({ sandbox, items: [lead()], options: { maxRetries: 3 }, settings: { onError: 'continueErrorOutput' } }),
				),
			);
			const created = runs.filter((run) => run.outputs[0].length === 1).length;
			const rateLimited = sandbox.stats().rateLimited;
			console.log(`${EXECUTIONS} single-lead executions at once, limit ${RATE_LIMIT}/s: ${created} created, ${rateLimited} answers of 429`);
			expect(created).toBe(EXECUTIONS);
			// The first wave meets the limit: every execution sends at once, and all but one second's
			// worth get a 429. Shared, they then wait out one pause and go at one pace. Each on its
			// own, they would all come back after the same Retry-After and meet the limit again, wave
			// after wave: about EXECUTIONS + (EXECUTIONS - RATE_LIMIT) + … answers of 429.
			expect(rateLimited).toBeLessThan(EXECUTIONS + RATE_LIMIT);
		},
		60_000,
	);
});
