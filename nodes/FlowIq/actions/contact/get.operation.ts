import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { cleanPhone } from '../../helpers/contactInput';
import type { FlowIqTransport, TransportOptions } from '../../transport';
import { ContactLookup, type LookupResult } from '../../transport/lookup';
import { affectsEveryItem } from '../../transport/outcome';
import { runPool } from '../../transport/pool';
import {
	defaultCountryOption,
	maxConcurrencyOption,
	maxRetriesOption,
	optionsCollection,
	phoneNumberField,
	timeoutOption,
} from '../common.descriptions';
import {
	apiError,
	buildOutputs,
	cancelledError,
	failEveryItem,
	openTransport,
	readDefaultCountry,
	readRequestOptions,
	type ItemResult,
} from '../common';

const properties: INodeProperties[] = [
	phoneNumberField(
		'The WhatsApp number to look up, ideally with its country code (e.g. +27 82 123 4567). Spaces, dashes and brackets are fine.',
	),
	optionsCollection([
		defaultCountryOption,
		maxConcurrencyOption,
		maxRetriesOption('How often to retry a look-up after a network error, a timeout, a 429 or a 5xx'),
		timeoutOption,
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['contact'], operation: ['get'] } }, properties);

/** The outputs, in the order the node declares them. */
export const OUTPUT_NAMES = ['Found', 'Not Found'];
const FOUND = 0;
const NOT_FOUND = 1;

/** Why an item went to Not Found. Saved workflows switch on these values: never rename. */
type NotFoundReason = 'not_found' | 'missing_phone' | 'invalid_phone';

function notFound(reason: NotFoundReason, message: string, submitted: IDataObject): ItemResult {
	return { output: NOT_FOUND, json: { reason, message, submitted } };
}

/** Contact → Get: looks each distinct number up once, and routes each item to Found or Not Found. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const results: ItemResult[] = new Array(items.length);
	const continueOnFail = this.continueOnFail();
	let options: TransportOptions;
	let transport: FlowIqTransport;
	try {
		options = readRequestOptions(this);
		transport = await openTransport(this, options);
	} catch (error) {
		failEveryItem(results, error, this, continueOnFail);
		return buildOutputs(results, OUTPUT_NAMES.length, continueOnFail);
	}

	/** Items by the E.164 number they ask for: one look-up answers them all. */
	const itemsByNumber = new Map<string, Array<{ itemIndex: number; submitted: IDataObject }>>();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		let phoneNumber: unknown;
		let defaultCountry: string | undefined;
		try {
			phoneNumber = this.getNodeParameter('phoneNumber', itemIndex, '');
			defaultCountry = readDefaultCountry(this, itemIndex);
		} catch (error) {
			const failure = new NodeOperationError(this.getNode(), error as Error, { itemIndex });
			if (!continueOnFail) throw failure;
			results[itemIndex] = { output: 'error', error: failure };
			continue;
		}
		const submitted: IDataObject = { phone_number: phoneNumber as string };
		const cleaned = cleanPhone(phoneNumber, defaultCountry);
		if (!cleaned.ok) {
			results[itemIndex] = notFound(cleaned.reason as NotFoundReason, cleaned.message, submitted);
			continue;
		}
		const asking = itemsByNumber.get(cleaned.value) ?? [];
		asking.push({ itemIndex, submitted });
		itemsByNumber.set(cleaned.value, asking);
	}

	const lookup = new ContactLookup(transport);
	/** Set once a failure will meet every later look-up too (credential, tenant) or the run is cancelled. */
	let stoppedBy: LookupResult | undefined;
	await runPool(itemsByNumber, options.maxConcurrency, async ([number, asking]) => {
		const found = stoppedBy ?? (await lookup.find(number.slice(1)));
		for (const { itemIndex, submitted } of asking) {
			results[itemIndex] = resultFor(this, itemIndex, number, found, submitted);
		}
		const stopsTheRun =
			found.kind === 'cancelled' ||
			(found.kind === 'failed' && (!continueOnFail || (found.problem.status !== undefined && affectsEveryItem(found.problem.status, found.problem.error))));
		if (stopsTheRun) stoppedBy ??= found.kind === 'cancelled' ? { ...found, sent: false } : found;
	});
	return buildOutputs(results, OUTPUT_NAMES.length, continueOnFail);
}

function resultFor(
	context: IExecuteFunctions,
	itemIndex: number,
	number: string,
	found: LookupResult,
	submitted: IDataObject,
): ItemResult {
	switch (found.kind) {
		case 'found':
			return { output: FOUND, json: { ...found.contact } };
		case 'notFound':
			return notFound('not_found', `FlowIQ has no contact with the number ${number}`, submitted);
		case 'cancelled':
			return { output: 'error', error: cancelledError(context, itemIndex, { thing: 'look-up', sent: found.sent, ifSent: 'its answer was not awaited' }) };
		default:
			return { output: 'error', error: apiError(context, found.problem, itemIndex) };
	}
}
