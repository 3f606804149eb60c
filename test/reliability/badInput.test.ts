/**
 * The bad-input corpus (badInputCorpus.ts) through the node in one run: every case must end on a
 * defined output with its specific reason. No crash, no silent drop, no item on the error output.
 *
 * The Send corpus runs case by case (its fixed collections differ in shape): every case must fail
 * with its specific message before any request, or reach FlowIQ with exactly the cleaned body.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { cleanContact } from '../../nodes/FlowIq/helpers/contactInput';
import { buildSendBody, MESSAGE_TYPES, type RawSendInput } from '../../nodes/FlowIq/helpers/messageInput';
import { pairedIndexes, runFlowIq, useSandbox } from '../node/harness';
import { BAD_INPUT_CORPUS, SEND_INPUT_CORPUS, type BadInputCase, type ExpectedOutput, type SendInputCase } from './badInputCorpus';
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
		expectListedInDocs('| Case |', BAD_INPUT_CORPUS.map((c) => ({ name: c.name, outcome: c.expect.output, detail: c.expect.reason ?? c.expect.phone_number })));
	});
});

/** The rows of the docs/bad-input.md table whose header starts with `header`. */
function docsTable(header: string): string[] {
	const lines = readFileSync(join(__dirname, '../../docs/bad-input.md'), 'utf8').split('\n');
	// The rows after the header and separator, up to the first line that is no row.
	const start = lines.findIndex((line) => line.startsWith(header));
	const end = lines.findIndex((line, index) => index > start && !line.startsWith('|'));
	return lines.slice(start + 2, end === -1 ? undefined : end);
}

/** The table lists every case, in the corpus's order, with the outcome and detail in its last two cells. */
function expectListedInDocs(header: string, cases: Array<{ name: string; outcome: string; detail?: string }>) {
	const rows = docsTable(header);
	expect(rows.map((row) => row.split('|')[1].trim())).toEqual(cases.map((c) => c.name));
	for (const c of cases) {
		const row = rows.find((line) => line.startsWith(`| ${c.name} |`));
		expect({ case: c.name, listed: row !== undefined }).toEqual({ case: c.name, listed: true });
		const cells = row!.split('|').slice(1, -1).map((cell) => cell.replace(/`/g, '').trim());
		expect({ case: c.name, outcome: cells.at(-2), detail: cells.at(-1) }).toEqual({ case: c.name, outcome: c.outcome, detail: c.detail });
	}
}

/** How n8n stores each fixed collection's entries: `{ button: [...] }`. */
const ENTRY_KEYS: Partial<Record<keyof RawSendInput, string>> = { buttons: 'button', listRows: 'row', contactCards: 'contact' };

/**
 * The Send node parameters a user would set for a case: every field, and every value inside a
 * fixed collection or Header and Footer, mapped from the item by an expression, so the node gets
 * each value with the type the item holds. Message Type is picked from the list, or mapped when
 * the case is about a type that is not in it.
 */
function sendParameters({ input }: SendInputCase): { parameters: INodeParameters; options: IDataObject } {
	const { phoneNumber: _phone, messageType, replyToMessageId, ...fields } = input;
	const picked = (MESSAGE_TYPES as readonly unknown[]).includes(messageType);
	const parameters: INodeParameters = {
		resource: 'message',
		operation: 'send',
		phoneNumber: '={{ $json.phoneNumber }}',
		messageType: picked ? (messageType as string) : '={{ $json.messageType }}',
		// n8n shows every field when Message Type is an expression, and refuses to run with a required one empty.
		...(picked ? {} : Object.fromEntries(['text', 'mediaUrl', 'bodyText', 'buttonText', 'messageId'].map((field) => [field, 'unread']))),
	};
	for (const [field, value] of Object.entries(fields)) {
		const key = ENTRY_KEYS[field as keyof RawSendInput];
		const mapped = (path: string, object: object) => Object.fromEntries(Object.keys(object).map((name) => [name, `={{ $json.${path}.${name} }}`]));
		if (key) {
			const entries = (value as Record<string, object[]>)[key];
			parameters[field] = { [key]: entries.map((entry, index) => mapped(`${field}.${key}[${index}]`, entry)) };
		} else if (field === 'interactiveOptions') {
			parameters[field] = mapped(field, value as object);
		} else {
			parameters[field] = `={{ $json.${field} }}`;
		}
	}
	const options: IDataObject = replyToMessageId === undefined ? {} : { replyToMessageId: '={{ $json.replyToMessageId }}' };
	return { parameters, options };
}

describe('The Send bad-input corpus', () => {
	it('has uniquely named cases, and every reason Send gives for bad input', () => {
		expect(new Set(SEND_INPUT_CORPUS.map((c) => c.name)).size).toBe(SEND_INPUT_CORPUS.length);
		const reasons = new Set(SEND_INPUT_CORPUS.map((c) => (c.expect.output === 'error' ? c.expect.reason : undefined)).filter(Boolean));
		expect([...reasons].sort()).toEqual([
			'duplicate_id',
			'invalid_field',
			'invalid_location',
			'invalid_media_url',
			'invalid_message_type',
			'invalid_phone',
			'missing_field',
			'missing_phone',
			'text_too_long',
			'too_many_items',
		]);
	});

	it.each(SEND_INPUT_CORPUS.map((c) => [c.name, c] as const))('%s: through the node', async (_name, c) => {
		const { parameters, options } = sendParameters(c);
		const { outputs, error } = await runFlowIq({
			sandbox,
			items: [c.input as IDataObject],
			parameters,
			options: { ...options, ...(c.defaultCountry ? { defaultCountry: c.defaultCountry } : {}) },
			settings: { onError: 'continueErrorOutput' },
		});
		expect(error).toBeUndefined();
		const log = sandbox.sent('acme') as Array<{ message_id: string; body: IDataObject }>;
		if (c.expect.output === 'sent') {
			expect(pairedIndexes(outputs)).toEqual([[0], []]);
			expect(log.map((entry) => entry.body)).toEqual([c.expect.body]);
			expect(outputs[0][0].json.message_id).toBe(log[0].message_id);
			expect(sandbox.stats().requests).toBe(1);
		} else {
			expect(pairedIndexes(outputs)).toEqual([[], [0]]);
			expect(outputs[1][0].json).toMatchObject({ error: expect.stringMatching(c.expect.message), message: 'Correct the field it names: the message was not sent' });
			expect(sandbox.stats().requests).toBe(0);
			expect(log).toEqual([]);
		}
	});

	it('builds every case the same way with the pure helper, each refusal with its reason', () => {
		for (const c of SEND_INPUT_CORPUS) {
			const built = buildSendBody(c.input as RawSendInput, c.defaultCountry);
			const outcome = built.ok ? { output: 'sent', body: built.value } : { output: 'error', reason: built.reason, message: built.message };
			const expected = c.expect.output === 'sent' ? c.expect : { ...c.expect, message: expect.stringMatching(c.expect.message) };
			expect({ case: c.name, ...outcome }).toEqual({ case: c.name, ...expected });
		}
	});

	it('is listed in docs/bad-input.md, each case with its outcome', () => {
		expectListedInDocs(
			'| Send case |',
			SEND_INPUT_CORPUS.map((c) => ({ name: c.name, outcome: c.expect.output, detail: c.expect.output === 'error' ? c.expect.reason : '—' })),
		);
	});
});
