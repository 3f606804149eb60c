import type { INodeProperties } from 'n8n-workflow';

import { FlowIq } from '../../nodes/FlowIq/FlowIq.node';
import {
	MAX_CONCURRENCY as CONCURRENCY,
	MAX_RETRIES,
	TIMEOUT,
	readNumberOption,
	type NumberOptionSpec,
} from '../../nodes/FlowIq/helpers/options';

describe('the option specs', () => {
	/** Every operation's Options collection, by the operation it shows for. */
	const optionCollections = new FlowIq().description.properties
		.filter((field) => field.name === 'options')
		.map((field) => [String(field.displayOptions?.show?.operation), field.options as INodeProperties[]] as const);

	it('every operation offers the three request options', () => {
		expect(optionCollections.map(([operation]) => operation).sort()).toEqual(['create', 'get', 'getAll', 'getMessages', 'send']);
	});

	it.each([
		['maxConcurrency', CONCURRENCY],
		['maxRetries', MAX_RETRIES],
		['timeout', TIMEOUT],
	])('%s has the label, range and default the editor shows, in every operation', (name, spec: NumberOptionSpec) => {
		for (const [operation, options] of optionCollections) {
			const field = options.find((option) => option.name === name)!;
			expect({ operation, label: field.displayName, min: field.typeOptions?.minValue, max: field.typeOptions?.maxValue, fallback: field.default }).toEqual(
				{ operation, label: spec.label, min: spec.min, max: spec.max, fallback: spec.fallback },
			);
		}
	});
});

describe('readNumberOption', () => {
	it.each([
		[undefined, 5],
		[null, 5],
		['', 5],
		[7, 7],
		['7', 7],
		[' 12 ', 12],
		[7.9, 7],
		[0, 1],
		[-3, 1],
		['-3', 1],
		[80, 50],
	])('reads %j as %i', (value, expected) => {
		expect(readNumberOption(value, CONCURRENCY)).toEqual({ ok: true, value: expected });
	});

	it('holds Timeout to an hour, below the longest wait a Node.js timer can make', () => {
		expect(readNumberOption(600000, TIMEOUT)).toEqual({ ok: true, value: 600000 });
		expect(readNumberOption(2 ** 31, TIMEOUT)).toEqual({ ok: true, value: 3_600_000 });
		expect(readNumberOption(1, TIMEOUT)).toEqual({ ok: true, value: 1000 });
	});

	it.each([
		['five', CONCURRENCY, 'Max Concurrency must be a number (1 to 50), not “five”'],
		['10s', TIMEOUT, 'Timeout must be a number (1000 to 3600000), not “10s”'],
		[Number.NaN, CONCURRENCY, 'Max Concurrency must be a number (1 to 50), not “NaN”'],
		[Number.POSITIVE_INFINITY, TIMEOUT, 'Timeout must be a number (1000 to 3600000), not “Infinity”'],
		[{ n: 5 }, CONCURRENCY, 'Max Concurrency must be a number (1 to 50), not “{"n":5}”'],
		[true, CONCURRENCY, 'Max Concurrency must be a number (1 to 50), not “true”'],
		['1e3', TIMEOUT, 'Timeout must be a number (1000 to 3600000), not “1e3”'],
	])('refuses %j', (value, spec, message) => {
		expect(readNumberOption(value, spec)).toEqual({ ok: false, message });
	});
});
