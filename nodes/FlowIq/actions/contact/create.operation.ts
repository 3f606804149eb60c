import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import {
	cleanContact,
	type ContactRequestBody,
	type InvalidReason,
	type RawContactInput,
} from '../../helpers/contactInput';
import { runRecordFor } from '../../helpers/runMemory';
import type { CreateResult, FlowIqTransport, TransportOptions } from '../../transport';
import { ContactLookup } from '../../transport/lookup';
import { affectsEveryItem, type ExistingContact } from '../../transport/outcome';
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
	asOperationError,
	buildOutputs,
	cancelledError,
	compact,
	failEveryItem,
	openTransport,
	readDefaultCountry,
	readRequestOptions,
	type ItemResult,
} from '../common';

/** The Create fields, shown for Contact → Create. */
const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Jane Smith',
		description: 'The contact’s full name. Extra spaces are removed.',
	},
	phoneNumberField(
		'A WhatsApp number, ideally with its country code. Spaces, dashes, brackets and a leading 00 are fine. Sent as +27821234567.',
	),
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'e.g. name@example.com',
		default: '',
		description: 'Optional. Left out when empty.',
	},
	{
		displayName: 'Tags',
		name: 'tags',
		type: 'string',
		default: '',
		placeholder: 'e.g. lead, website',
		description:
			'Optional. Comma-separated, or a list from an expression. Spaces, empty tags and repeats are removed.',
	},
	optionsCollection([
		defaultCountryOption,
		maxConcurrencyOption,
		maxRetriesOption('How often to retry a contact after a network error, a timeout, a 429 or a 5xx'),
		timeoutOption,
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['contact'], operation: ['create'] } }, properties);

/** The outputs, in the order the node declares them. */
export const OUTPUT_NAMES = ['Created', 'Duplicate', 'Invalid'];
const CREATED = 0;
const DUPLICATE = 1;
const INVALID = 2;

interface ContactToSend {
	itemIndex: number;
	body: ContactRequestBody;
}

const LOCAL_ERROR_LABELS: Record<string, string> = {
	missing_name: 'Missing name',
	missing_phone: 'Missing phone number',
	invalid_phone: 'Invalid phone number',
	invalid_email: 'Invalid email',
	invalid_tags: 'Invalid tags',
};

function readItemInput(context: IExecuteFunctions, itemIndex: number): RawContactInput {
	return {
		name: context.getNodeParameter('name', itemIndex, ''),
		phoneNumber: context.getNodeParameter('phoneNumber', itemIndex, ''),
		email: context.getNodeParameter('email', itemIndex, ''),
		tags: context.getNodeParameter('tags', itemIndex, ''),
	};
}

function invalidJson(
	reason: InvalidReason,
	error: string,
	message: string,
	source: 'local' | 'api',
	submitted: IDataObject,
): IDataObject {
	return { error, message, reason, source, submitted };
}

function existingFrom(contact: IDataObject): ExistingContact {
	const { id, full_name, whatsapp_id } = contact as ExistingContact;
	return { id, full_name: full_name ?? null, whatsapp_id };
}

/** Turns the transport's answer for one contact into the item the user sees. */
function resultFor(
	context: IExecuteFunctions,
	itemIndex: number,
	body: ContactRequestBody,
	sent: CreateResult,
): ItemResult {
	const submitted = { ...body } as IDataObject;
	switch (sent.kind) {
		case 'created':
			return { output: CREATED, json: sent.contact };
		case 'duplicate':
			return {
				output: DUPLICATE,
				json: {
					existing_contact: sent.existingContact,
					submitted,
					message: sent.message,
					...(sent.uncertainAttempt ? { after_retry: true } : {}),
				},
			};
		case 'invalid':
			return { output: INVALID, json: invalidJson(sent.reason, sent.error, sent.message, 'api', submitted) };
		case 'cancelled':
			return {
				output: 'error',
				error: cancelledError(context, itemIndex, { thing: 'contact', sent: sent.sent, ifSent: 'FlowIQ may have created it' }),
			};
		default:
			return { output: 'error', error: apiError(context, sent, itemIndex) };
	}
}

/** What a later item with the same number gets, from the first item's result. */
function followerResult(leader: ItemResult, leaderIndex: number, submitted: IDataObject): ItemResult {
	if (leader.output === 'error') return leader;
	const sameNumber = `Same phone number as item ${leaderIndex + 1} earlier in this run`;
	if (leader.output === CREATED) {
		return {
			output: DUPLICATE,
			json: { existing_contact: existingFrom(leader.json), submitted, message: sameNumber },
		};
	}
	if (leader.output === DUPLICATE) {
		return { output: DUPLICATE, json: { ...leader.json, submitted, message: sameNumber } };
	}
	return { output: INVALID, json: { ...leader.json, submitted } };
}

/** Contact → Create: cleans every item, sends the valid ones, and routes each to its output. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const context = this;
	const items = this.getInputData();
	const results: ItemResult[] = new Array(items.length);
	const continueOnFail = this.continueOnFail();

	/** First item with each number: the only one sent. Later ones wait for it. */
	const leaders = new Map<string, number>();
	const followers: Array<{ itemIndex: number; leaderIndex: number; body: ContactRequestBody }> = [];

	/**
	 * Cleans item after item, recording those that need no request, and yields the rest. The pool
	 * pulls from it as requests finish, so cleaning overlaps with waiting for FlowIQ.
	 */
	function* contactsToSend(): Generator<ContactToSend> {
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			let input: RawContactInput;
			let defaultCountry: string | undefined;
			try {
				input = readItemInput(context, itemIndex);
				defaultCountry = readDefaultCountry(context, itemIndex);
			} catch (error) {
				const failure = new NodeOperationError(context.getNode(), error as Error, { itemIndex });
				if (!continueOnFail) throw failure;
				results[itemIndex] = { output: 'error', error: failure };
				continue;
			}
			const cleaned = cleanContact(input, defaultCountry);
			if (!cleaned.ok) {
				const submitted = compact({
					name: input.name as string,
					phone_number: input.phoneNumber as string,
					email: input.email as string,
					tags: input.tags as string,
				});
				results[itemIndex] = {
					output: INVALID,
					json: invalidJson(cleaned.reason, LOCAL_ERROR_LABELS[cleaned.reason], cleaned.message, 'local', submitted),
				};
				continue;
			}
			const body = cleaned.value;
			const leaderIndex = leaders.get(body.phone_number);
			if (leaderIndex === undefined) {
				leaders.set(body.phone_number, itemIndex);
				yield { itemIndex, body };
			} else {
				followers.push({ itemIndex, leaderIndex, body });
			}
		}
	}

	let options: TransportOptions;
	try {
		options = readRequestOptions(this);
	} catch (error) {
		// Without its settings the run cannot start: every item fails alike, none is sent.
		failEveryItem(results, error, this, continueOnFail);
		return buildOutputs(results, OUTPUT_NAMES.length, continueOnFail);
	}
	await sendAll(this, options, contactsToSend(), results, continueOnFail);

	for (const { itemIndex, leaderIndex, body } of followers) {
		results[itemIndex] = followerResult(results[leaderIndex], leaderIndex, { ...body });
	}
	return buildOutputs(results, OUTPUT_NAMES.length, continueOnFail);
}

async function sendAll(
	context: IExecuteFunctions,
	options: TransportOptions,
	toSend: Iterable<ContactToSend>,
	results: ItemResult[],
	continueOnFail: boolean,
) {
	let transport: FlowIqTransport;
	try {
		transport = await openTransport(context, options);
	} catch (error) {
		const failure = asOperationError(context, error);
		if (!continueOnFail) throw failure;
		// Items already Invalid stay there: only those that needed FlowIQ fail.
		const { message, description } = failure;
		for (const { itemIndex } of toSend) {
			results[itemIndex] = { output: 'error', error: new NodeOperationError(context.getNode(), message, { description: description ?? undefined, itemIndex }) };
		}
		return;
	}
	const earlierTries = runRecordFor(context.getContext('node'), context.getWorkflowDataProxy(0).$thisRunIndex);
	const lookup = new ContactLookup(transport);

	/** Set once a failure means no later request can succeed, or the run must stop. */
	let stoppedBy: CreateResult | undefined;

	await runPool(toSend, options.maxConcurrency, async ({ itemIndex, body }) => {
		const number = body.phone_number;
		const remembered = earlierTries.created.get(number);
		if (remembered) {
			results[itemIndex] = { output: CREATED, json: remembered };
			return;
		}
		if (stoppedBy) {
			// This contact was never sent, whatever happened to the one that stopped the run.
			const notSent = stoppedBy.kind === 'cancelled' ? { ...stoppedBy, sent: false } : stoppedBy;
			results[itemIndex] = resultFor(context, itemIndex, body, notSent);
			return;
		}
		let sent = await transport.createContact(body);
		const lostAnswerAt = earlierTries.uncertain.get(number) ?? (sent.uncertainAttempt ? sent.firstAttemptAt : undefined);
		if (lostAnswerAt !== undefined) {
			earlierTries.uncertain.set(number, lostAnswerAt);
			sent = { ...sent, uncertainAttempt: true };
		}
		if (sent.kind === 'duplicate' && lostAnswerAt !== undefined) {
			// The 409 may be about the contact the lost attempt created: then it is this node's own.
			const own = await lookup.findOwn(sent.existingContact.whatsapp_id, body, lostAnswerAt, earlierTries.id);
			if (own) sent = { ...sent, kind: 'created', contact: { ...own, recovered: true } };
		}
		const result = resultFor(context, itemIndex, body, sent);
		results[itemIndex] = result;
		if (result.output === CREATED) earlierTries.created.set(number, result.json);
		if (result.output !== 'error') return;
		const everyItemFails = sent.kind === 'failed' && affectsEveryItem(sent.status);
		if (!continueOnFail || everyItemFails || sent.kind === 'cancelled') stoppedBy ??= sent;
	});
}
