import {
	NodeApiError,
	NodeOperationError,
	updateDisplayOptions,
	type ICredentialsDecrypted,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type JsonObject,
} from 'n8n-workflow';

import {
	cleanContact,
	type ContactRequestBody,
	type InvalidReason,
	type RawContactInput,
} from '../../helpers/contactInput';
import { credentialProblem, type FlowIqCredentials } from '../../helpers/credentials';
import { MAX_CONCURRENCY, MAX_RETRIES, TIMEOUT, readNumberOption, type NumberOptionSpec } from '../../helpers/options';
import { affectsEveryItem, type ExistingContact } from '../../transport/outcome';
import { runPool } from '../../transport/pool';
import { runRecordFor } from '../../helpers/runMemory';
import { FlowIqTransport, type SendResult, type TransportOptions } from '../../transport';

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
	{
		displayName: 'Phone Number',
		name: 'phoneNumber',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. +27 82 123 4567',
		description:
			'A WhatsApp number, ideally with its country code. Spaces, dashes, brackets and a leading 00 are fine. Sent as +27821234567.',
		hint: 'Numbers without a country code need Default Country under Options',
	},
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
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Default Country',
				name: 'defaultCountry',
				type: 'string',
				default: '',
				placeholder: 'e.g. ZA',
				description:
					'Two-letter country code (ISO 3166) used for numbers written without a country code, such as 082 123 4567',
			},
			{
				displayName: 'Max Concurrency',
				name: 'maxConcurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 50 },
				default: 5,
				description:
					'How many requests FlowIQ receives at once, at most. After a 429 (too many requests) the node also slows its pace by itself.',
			},
			{
				displayName: 'Max Retries',
				name: 'maxRetries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10 },
				default: 3,
				description:
					'How often to retry a contact after a network error or a 502, 503 or 504, waiting longer each time. 0 turns retries off.',
			},
			{
				displayName: 'Timeout',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1000 },
				default: 30000,
				description:
					'Milliseconds each request may take in all, until the whole answer has arrived, before it counts as timed out and is retried',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['contact'], operation: ['create'] } }, properties);

/** Output indexes, in the order the node declares them. */
const CREATED = 0;
const DUPLICATE = 1;
const INVALID = 2;

interface ContactToSend {
	itemIndex: number;
	body: ContactRequestBody;
}

type ItemResult =
	| { output: typeof CREATED | typeof DUPLICATE | typeof INVALID; json: IDataObject }
	| { output: 'error'; error: NodeApiError | NodeOperationError };

const LOCAL_ERROR_LABELS: Record<string, string> = {
	missing_name: 'Missing name',
	missing_phone: 'Missing phone number',
	invalid_phone: 'Invalid phone number',
	invalid_email: 'Invalid email',
	invalid_tags: 'Invalid tags',
};

/**
 * Settings for the whole run, read from the first item like n8n's own nodes do. Throws a
 * NodeOperationError naming the option when one cannot be read or is not a number.
 */
function readOptions(context: IExecuteFunctions): TransportOptions {
	const read = (name: keyof TransportOptions, spec: NumberOptionSpec): number => {
		let value: unknown;
		try {
			value = context.getNodeParameter(`options.${name}`, 0, spec.fallback);
		} catch (error) {
			throw new NodeOperationError(context.getNode(), `${spec.label} could not be read: ${(error as Error).message}`, {
				description: `Fix the expression in ${spec.label} under Options: it is read once, from the first item`,
			});
		}
		const option = readNumberOption(value, spec);
		if (!option.ok) {
			throw new NodeOperationError(context.getNode(), option.message, {
				description: `Set ${spec.label} under Options to a number, or to an expression that gives one`,
			});
		}
		return option.value;
	};
	return {
		maxConcurrency: read('maxConcurrency', MAX_CONCURRENCY),
		maxRetries: read('maxRetries', MAX_RETRIES),
		timeout: read('timeout', TIMEOUT),
	};
}

/** Drops fields that were not given, so `submitted` shows only what the item had. */
function compact(fields: IDataObject): IDataObject {
	return Object.fromEntries(
		Object.entries(fields).filter(([, value]) => value !== undefined && value !== ''),
	);
}

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
	sent: SendResult,
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
				error: sent.sent
					? new NodeOperationError(
							context.getNode(),
							'The execution was cancelled after this contact was sent: FlowIQ may have created it',
							{ description: 'Look the number up in FlowIQ before running the workflow again', itemIndex },
						)
					: new NodeOperationError(context.getNode(), 'The execution was cancelled before this contact was sent', {
							description: 'Run the workflow again to send it',
							itemIndex,
						}),
			};
		default: {
			const status = sent.kind === 'failed' ? sent.status : undefined;
			return {
				output: 'error',
				error: new NodeApiError(
					context.getNode(),
					compact({ error: sent.error, message: sent.message, status }) as JsonObject,
					{
						message:
							status === undefined
								? sent.message
								: `FlowIQ answered ${status} (${sent.error}): ${sent.message}`,
						description: sent.hint,
						httpCode: status === undefined ? undefined : String(status),
						itemIndex,
					},
				),
			};
		}
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

/**
 * A failed item for n8n's "Continue" settings: exactly `{ error, message }`, which n8n moves to the
 * error output. No `error` property on the item: n8n would replace the JSON with the message alone
 * and drop the next step the user needs.
 */
function errorItem(error: NodeApiError | NodeOperationError, itemIndex: number): INodeExecutionData {
	return {
		json: { error: error.message, message: error.description || 'See the error message' },
		pairedItem: { item: itemIndex },
	};
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
			let defaultCountry: string;
			try {
				input = readItemInput(context, itemIndex);
				defaultCountry = String(context.getNodeParameter('options.defaultCountry', itemIndex, '') ?? '')
					.trim()
					.toUpperCase();
			} catch (error) {
				const failure = new NodeOperationError(context.getNode(), error as Error, { itemIndex });
				if (!continueOnFail) throw failure;
				results[itemIndex] = { output: 'error', error: failure };
				continue;
			}
			const cleaned = cleanContact(input, defaultCountry || undefined);
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
		options = readOptions(this);
	} catch (error) {
		const failure = new NodeOperationError(this.getNode(), error as Error);
		if (!continueOnFail) throw failure;
		// Without its settings the run cannot start: every item fails alike, none is sent.
		results.fill({ output: 'error', error: failure });
		return buildOutputs(results, continueOnFail);
	}
	await sendAll(this, options, contactsToSend(), results, continueOnFail);

	for (const { itemIndex, leaderIndex, body } of followers) {
		results[itemIndex] = followerResult(results[leaderIndex], leaderIndex, { ...body });
	}
	return buildOutputs(results, continueOnFail);
}

async function sendAll(
	context: IExecuteFunctions,
	options: TransportOptions,
	toSend: Iterable<ContactToSend>,
	results: ItemResult[],
	continueOnFail: boolean,
) {
	const node = context.getNode();
	const failEveryItem = (message: string) => {
		for (const { itemIndex } of toSend) {
			results[itemIndex] = {
				output: 'error',
				error: new NodeOperationError(node, message, {
					description: 'Open the FlowIQ API credential and correct it',
					itemIndex,
				}),
			};
		}
	};
	let credentials: FlowIqCredentials;
	try {
		credentials = await context.getCredentials<FlowIqCredentials>('flowIqApi');
	} catch (error) {
		const failure = new NodeOperationError(node, error as Error);
		if (!continueOnFail) throw failure;
		return failEveryItem(failure.message);
	}
	const problem = credentialProblem(credentials);
	if (problem) return failEveryItem(problem);
	const decrypted: ICredentialsDecrypted = {
		id: node.credentials?.flowIqApi?.id ?? '',
		name: node.credentials?.flowIqApi?.name ?? 'FlowIQ API',
		type: 'flowIqApi',
		data: credentials as unknown as ICredentialsDecrypted['data'],
	};
	const transport = new FlowIqTransport(context, decrypted, options);
	const earlierTries = runRecordFor(context.getContext('node'), context.getWorkflowDataProxy(0).$thisRunIndex);

	/** Set once a failure means no later request can succeed, or the run must stop. */
	let stoppedBy: SendResult | undefined;

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
			const own = await transport.findOwnContact(sent.existingContact.whatsapp_id, body, lostAnswerAt, earlierTries.id);
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

function buildOutputs(
	results: ItemResult[],
	continueOnFail: boolean,
): INodeExecutionData[][] {
	const outputs: INodeExecutionData[][] = [[], [], []];
	for (let itemIndex = 0; itemIndex < results.length; itemIndex++) {
		const result = results[itemIndex];
		if (result.output !== 'error') {
			outputs[result.output].push({ json: result.json, pairedItem: { item: itemIndex } });
			continue;
		}
		if (!continueOnFail) throw result.error;
		// n8n's "Continue" settings expect failed items on the first output, shaped { error, message }.
		outputs[CREATED].push(errorItem(result.error, itemIndex));
	}
	return outputs;
}
