/** A number option of the node: its label in the editor, the range the editor allows, its default. */
export interface NumberOptionSpec {
	label: string;
	min: number;
	max: number;
	fallback: number;
}

/** The node's number options, with the ranges and defaults the editor shows (options.test.ts holds the two together). */
export const MAX_CONCURRENCY: NumberOptionSpec = { label: 'Max Concurrency', min: 1, max: 50, fallback: 5 };
export const MAX_RETRIES: NumberOptionSpec = { label: 'Max Retries', min: 0, max: 10, fallback: 3 };
/** At most an hour: Node.js timers cannot wait beyond about 24.8 days, and would fire at once. */
export const TIMEOUT: NumberOptionSpec = { label: 'Timeout', min: 1000, max: 3_600_000, fallback: 30000 };

export type ReadOption = { ok: true; value: number } | { ok: false; message: string };

function rangeText({ min, max }: NumberOptionSpec): string {
	return `${min} to ${max}`;
}

/**
 * An option's value as a whole number within the editor's range. The editor enforces the range, but
 * an expression can yield anything: a number in text ("7") is read as the number, a value outside
 * the range is brought into it, and anything else ("five", "10s") is refused: a NaN would hang the
 * run or switch off a limit.
 */
export function readNumberOption(value: unknown, spec: NumberOptionSpec): ReadOption {
	if (value === undefined || value === null || value === '') return { ok: true, value: spec.fallback };
	const number = typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isFinite(number)) {
		const shown = typeof value === 'object' ? JSON.stringify(value) : String(value);
		return { ok: false, message: `${spec.label} must be a number (${rangeText(spec)}), not “${shown}”` };
	}
	return { ok: true, value: Math.min(spec.max, Math.max(spec.min, Math.floor(number))) };
}
