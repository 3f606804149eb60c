/**
 * The bad-input corpus (badInputCorpus.ts) through the node in one run: every case must end on a
 * defined output with its specific reason. No crash, no silent drop, no item on the error output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { cleanContact } from '../../nodes/FlowIq/helpers/contactInput';
import { pairedIndexes, runFlowIq, useSandbox } from '../node/harness';
import { BAD_INPUT_CORPUS, type BadInputCase, type ExpectedOutput } from './badInputCorpus';
import { LOCAL_REASONS, expectCorpusCleanedBy } from './corpusCleaning';

const sandbox = useSandbox();

const OUTPUTS: Array<ExpectedOutput | 'error'> = ['created', 'duplicate', 'invalid', 'error'];

/** The item for a case; Default Country travels with it, since the node reads that option per item. */
function itemFor({ input, defaultCountry }: BadInputCase): IDataObject {
	return { ...(input as IDataObject), ...(defaultCountry === undefined ? {} : { defaultCountry }) };
}

/** What a case expects, in the shape `observed` reports (a subset of it), so one diff names every mismatch. */
function expected({ name, expect: { output, reason, phone_number, message, ...stored } }: BadInputCase): IDataObject {
	if (output === 'invalid') {
		const source = LOCAL_REASONS.has(reason!) ? 'local' : 'api';
		return { case: name, output, reason, source, message: message ? expect.stringMatching(message) : expect.any(String) };
	}
	return { case: name, output, phone_number, ...stored };
}

function observed(name: string, output: ExpectedOutput | 'error', json: IDataObject): IDataObject {
	switch (output) {
		case 'created':
			return { case: name, output, phone_number: json.phone_number, name: json.full_name, email: json.email, tags: json.tags };
		case 'duplicate':
			return { case: name, output, phone_number: (json.submitted as IDataObject).phone_number };
		case 'invalid':
			return { case: name, output, reason: json.reason, source: json.source, message: json.message };
		default:
			return { case: name, output, message: json.error };
	}
}

describe('The bad-input corpus', () => {
	it('has at least 60 uniquely named cases, with real formats from at least 12 countries with and without Default Country', () => {
		expect(BAD_INPUT_CORPUS.length).toBeGreaterThanOrEqual(60);
		expect(new Set(BAD_INPUT_CORPUS.map((c) => c.name)).size).toBe(BAD_INPUT_CORPUS.length);

		const withDefault = new Set(BAD_INPUT_CORPUS.filter((c) => c.country && c.defaultCountry).map((c) => c.country));
		const without = new Set(BAD_INPUT_CORPUS.filter((c) => c.country && !c.defaultCountry).map((c) => c.country));
		expect([...withDefault].filter((country) => without.has(country)).length).toBeGreaterThanOrEqual(12);

		// Valid cases need numbers of their own, or they would collide as duplicates in the one run.
		const createdNumbers = BAD_INPUT_CORPUS.filter((c) => c.expect.output === 'created').map((c) => c.expect.phone_number);
		expect(new Set(createdNumbers).size).toBe(createdNumbers.length);
	});

	it('ends every case on its expected output with its specific reason, in one run', async () => {
		const { outputs, error } = await runFlowIq({
			sandbox,
			items: BAD_INPUT_CORPUS.map(itemFor),
			options: { defaultCountry: '={{ $json.defaultCountry }}' },
			settings: { onError: 'continueErrorOutput' },
		});

		expect(error).toBeUndefined();
		const results: IDataObject[] = new Array(BAD_INPUT_CORPUS.length);
		pairedIndexes(outputs).forEach((indexes, output) =>
			indexes.forEach((index, position) => {
				expect(results[index]).toBeUndefined();
				results[index] = observed(BAD_INPUT_CORPUS[index].name, OUTPUTS[output], outputs[output][position].json);
			}),
		);
		expect(results).toMatchObject(BAD_INPUT_CORPUS.map(expected));
	});

	it('cleans every case the same way with the pure helpers', () => {
		expectCorpusCleanedBy(cleanContact);
	});

	it('is listed in docs/bad-input.md, each case with its outcome', () => {
		const lines = readFileSync(join(__dirname, '../../docs/bad-input.md'), 'utf8').split('\n');
		// The case table: the rows after its header and separator, up to the first line that is no row.
		const header = lines.findIndex((line) => line.startsWith('| Case |'));
		const end = lines.findIndex((line, index) => index > header && !line.startsWith('|'));
		const rows = lines.slice(header + 2, end === -1 ? undefined : end);
		expect(rows.map((row) => row.split('|')[1].trim())).toEqual(BAD_INPUT_CORPUS.map((c) => c.name));
		for (const c of BAD_INPUT_CORPUS) {
			const row = rows.find((line) => line.startsWith(`| ${c.name} |`));
			expect({ case: c.name, listed: row !== undefined }).toEqual({ case: c.name, listed: true });
			const cells = row!.split('|').slice(1, -1).map((cell) => cell.replace(/`/g, '').trim());
			expect({ case: c.name, outcome: cells.at(-2), detail: cells.at(-1) }).toEqual({
				case: c.name,
				outcome: c.expect.output,
				detail: c.expect.reason ?? c.expect.phone_number,
			});
		}
	});
});
