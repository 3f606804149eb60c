import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { cleanContact } from '../../helpers/contactInput';
import {
	buildSendBody,
	DEFAULT_EMOJI,
	FIELDS_BY_TYPE,
	MESSAGE_TYPES,
	SEND_LIMITS,
	type MessageType,
	type RawSendInput,
	type SendRequestBody,
} from '../../helpers/messageInput';
import { runRecordFor } from '../../helpers/runMemory';
import type { Exchanged, FlowIqTransport } from '../../transport';
import { affectsEveryItem, asObject, isContactNotFound, problemOf } from '../../transport/outcome';
import { runPool } from '../../transport/pool';
import { RETRY_WHEN_NOT_PROCESSED } from '../../transport/retry';
import {
	apiError,
	asOperationError,
	buildOutputs,
	cancelledError,
	failEveryItem,
	openTransport,
	readDefaultCountry,
	readRequestOptions,
	runsAsTool,
	type ItemResult,
} from '../common';
import {
	defaultCountryOption,
	maxConcurrencyOption,
	maxRetriesOption,
	optionsCollection,
	phoneNumberField,
	timeoutOption,
} from '../common.descriptions';

/** Shows a field for the message types that read it (FIELDS_BY_TYPE decides, for the node and the body alike). */
function shownFor(field: keyof RawSendInput): IDisplayOptions {
	return {
		show: {
			messageType: MESSAGE_TYPES.filter((type) => (FIELDS_BY_TYPE[type] as readonly string[]).includes(field)),
		},
	};
}

/** Inside a collection: a path starting with "/" reads the node's own Message Type. */
const buttonsOnly: IDisplayOptions = { show: { '/messageType': ['buttons'] } };

const retries = maxRetriesOption('How often to retry a message FlowIQ did not process (a 429 or 503; never a timeout, as the message may have gone)');

/** The Send fields, shown for Message → Send. */
const properties: INodeProperties[] = [
	phoneNumberField(
		'The recipient’s WhatsApp number, ideally with its country code. Spaces, dashes, brackets and a leading 00 are fine. It must belong to a FlowIQ contact: create one first, or turn on Create Contact If Missing under Options.',
	),
	{
		displayName: 'Message Type',
		name: 'messageType',
		type: 'options',
		default: 'text',
		description: 'What kind of message to send',
		options: [
			{ name: 'Audio', value: 'audio', description: 'An audio file from a link' },
			{
				name: 'Buttons',
				value: 'buttons',
				description: `Text with up to ${SEND_LIMITS.maxButtons} reply buttons`,
			},
			{ name: 'Contacts', value: 'contacts', description: 'One or more contact cards' },
			{ name: 'Document', value: 'document', description: 'A file from a link, such as a PDF' },
			{ name: 'Image', value: 'image', description: 'An image from a link, with an optional caption' },
			{ name: 'List', value: 'list', description: 'Text with a button that opens a list of choices' },
			{ name: 'Location', value: 'location', description: 'A pin on a map' },
			{ name: 'Reaction', value: 'reaction', description: 'An emoji on an earlier message' },
			{ name: 'Text', value: 'text', description: 'A text message' },
			{ name: 'Video', value: 'video', description: 'A video from a link, with an optional caption' },
		],
	},
	{
		displayName:
			'WhatsApp delivers these messages only if the contact wrote to your number in the last 24 hours',
		name: 'sendWindowNotice',
		type: 'notice',
		default: '',
	},

	// Text
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		placeholder: 'e.g. Hi Jane, your order has shipped',
		description: 'The message. Line breaks are kept, and WhatsApp formatting such as *bold* works.',
		displayOptions: shownFor('text'),
	},

	// Image, video, audio, document
	{
		displayName: 'Media URL',
		name: 'mediaUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://example.com/files/brochure.pdf',
		description: 'A public https link to the file. FlowIQ downloads it from there, so it must open without a login.',
		displayOptions: shownFor('mediaUrl'),
	},
	{
		displayName: 'Caption',
		name: 'caption',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		placeholder: 'e.g. Your invoice for March',
		description: 'Optional text shown with the file',
		displayOptions: shownFor('caption'),
	},
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		placeholder: 'e.g. invoice-1042.pdf',
		description: 'Optional. The name the recipient sees for the document.',
		displayOptions: shownFor('fileName'),
	},

	// Location
	{
		displayName: 'Latitude',
		name: 'latitude',
		type: 'number',
		required: true,
		default: 0,
		typeOptions: { minValue: -SEND_LIMITS.latitude, maxValue: SEND_LIMITS.latitude, numberPrecision: 6 },
		description: 'From -90 (south) to 90 (north), e.g. -33.924869',
		displayOptions: shownFor('latitude'),
	},
	{
		displayName: 'Longitude',
		name: 'longitude',
		type: 'number',
		required: true,
		default: 0,
		typeOptions: { minValue: -SEND_LIMITS.longitude, maxValue: SEND_LIMITS.longitude, numberPrecision: 6 },
		description: 'From -180 (west) to 180 (east), e.g. 18.424055',
		displayOptions: shownFor('longitude'),
	},
	{
		displayName: 'Location Name',
		name: 'locationName',
		type: 'string',
		default: '',
		placeholder: 'e.g. FlowIQ Cape Town office',
		description: 'Optional. Shown above the address.',
		displayOptions: shownFor('locationName'),
	},
	{
		displayName: 'Address',
		name: 'address',
		type: 'string',
		default: '',
		placeholder: 'e.g. 1 Long Street, Cape Town',
		description: 'Optional. Shown under the name.',
		displayOptions: shownFor('address'),
	},

	// Contacts
	{
		displayName: 'Contact Cards',
		name: 'contactCards',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Contact Card',
		default: {},
		description: 'The cards to share. The recipient can save each one or message the number on it.',
		displayOptions: shownFor('contactCards'),
		options: [
			{
				displayName: 'Contact Card',
				name: 'contact',
				values: [
					{
						displayName: 'First Name',
						name: 'firstName',
						type: 'string',
						default: '',
						placeholder: 'e.g. Jane',
						description: 'Optional. With First Name and Last Name both empty, Formatted Name is sent as the first name.',
					},
					{
						displayName: 'Formatted Name',
						name: 'formattedName',
						type: 'string',
						required: true,
						default: '',
						placeholder: 'e.g. Jane Smith',
						description: 'The name shown on the card',
					},
					{
						displayName: 'Last Name',
						name: 'lastName',
						type: 'string',
						default: '',
						placeholder: 'e.g. Smith',
					},
					{
						displayName: 'Phone',
						name: 'phone',
						type: 'string',
						required: true,
						default: '',
						placeholder: 'e.g. +27 82 123 4567',
						description: 'The number on the card, shown as typed',
					},
					{
						displayName: 'Phone Type',
						name: 'phoneType',
						type: 'options',
						default: 'CELL',
						options: [
							{ name: 'Cell', value: 'CELL' },
							{ name: 'Home', value: 'HOME' },
							{ name: 'iPhone', value: 'IPHONE' },
							{ name: 'Main', value: 'MAIN' },
							{ name: 'Work', value: 'WORK' },
						],
					},
				],
			},
		],
	},

	// Buttons and list
	{
		displayName: 'Body Text',
		name: 'bodyText',
		type: 'string',
		typeOptions: { rows: 3 },
		required: true,
		default: '',
		placeholder: 'e.g. Would you like to confirm your booking?',
		description: `The message, shown above the buttons or the list button. Up to ${SEND_LIMITS.bodyText} characters.`,
		displayOptions: shownFor('bodyText'),
	},
	{
		displayName: 'Buttons',
		name: 'buttons',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Button',
		default: {},
		description: `One to ${SEND_LIMITS.maxButtons} reply buttons. The contact’s tap comes back as a reply carrying the button’s ID and title.`,
		displayOptions: shownFor('buttons'),
		options: [
			{
				displayName: 'Button',
				name: 'button',
				values: [
					{
						displayName: 'Title',
						name: 'title',
						type: 'string',
						required: true,
						default: '',
						placeholder: 'e.g. Yes, confirm',
						description: `The label on the button, up to ${SEND_LIMITS.buttonTitle} characters`,
					},
					{
						displayName: 'ID',
						name: 'id',
						type: 'string',
						default: '',
						placeholder: 'e.g. confirm',
						description:
							'Optional. Comes back in the reply, so a workflow can tell the buttons apart. Left empty: button_1, button_2 or button_3, by position. Each button needs its own.',
					},
				],
			},
		],
	},
	{
		displayName: 'Button Text',
		name: 'buttonText',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. See times',
		description: `The label of the button that opens the list, up to ${SEND_LIMITS.listButtonText} characters`,
		displayOptions: shownFor('buttonText'),
	},
	{
		displayName: 'List Rows',
		name: 'listRows',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Row',
		default: {},
		description: `The choices in the list. Rows with the same section title form one section, in the order the titles first appear; at most ${SEND_LIMITS.maxSections} sections.`,
		displayOptions: shownFor('listRows'),
		options: [
			{
				displayName: 'Row',
				name: 'row',
				values: [
					{
						displayName: 'Section',
						name: 'section',
						type: 'string',
						default: '',
						placeholder: 'e.g. Mornings',
						description: `The title of this row’s section, up to ${SEND_LIMITS.sectionTitle} characters. May stay empty when the list has one section.`,
					},
					{
						displayName: 'Title',
						name: 'title',
						type: 'string',
						required: true,
						default: '',
						placeholder: 'e.g. Tuesday 9:00',
						description: `The choice, up to ${SEND_LIMITS.rowTitle} characters`,
					},
					{
						displayName: 'Description',
						name: 'description',
						type: 'string',
						default: '',
						placeholder: 'e.g. With Dr Naidoo, 30 minutes',
						description: `Optional. Shown under the title, up to ${SEND_LIMITS.rowDescription} characters.`,
					},
					{
						displayName: 'ID',
						name: 'id',
						type: 'string',
						default: '',
						placeholder: 'e.g. tue_0900',
						description:
							'Optional. Comes back in the reply, so a workflow can tell the rows apart. Left empty: row_1, row_2… by position in this field. Each row needs its own.',
					},
				],
			},
		],
	},
	{
		displayName: 'Header and Footer',
		name: 'interactiveOptions',
		type: 'collection',
		placeholder: 'Add header or footer',
		default: {},
		displayOptions: shownFor('interactiveOptions'),
		options: [
			{
				displayName: 'Footer',
				name: 'footer',
				type: 'string',
				default: '',
				placeholder: 'e.g. Reply STOP to opt out',
				description: `Small grey text under the message, up to ${SEND_LIMITS.footer} characters`,
			},
			{
				displayName: 'Header',
				name: 'header',
				type: 'string',
				default: '',
				placeholder: 'e.g. Booking reminder',
				description: `Bold text above the message, up to ${SEND_LIMITS.header} characters`,
			},
			{
				displayName: 'Header Media File Name',
				name: 'headerMediaFileName',
				type: 'string',
				default: '',
				placeholder: 'e.g. booking-1042.pdf',
				description: 'The name the recipient sees for the document',
				displayOptions: { show: { '/messageType': ['buttons'], headerMediaType: ['document'] } },
			},
			{
				displayName: 'Header Media Type',
				name: 'headerMediaType',
				type: 'options',
				default: 'image',
				description: 'What Header Media URL links to',
				options: [
					{ name: 'Image', value: 'image' },
					{ name: 'Video', value: 'video' },
					{ name: 'Document', value: 'document' },
				],
				displayOptions: buttonsOnly,
			},
			{
				displayName: 'Header Media URL',
				name: 'headerMediaUrl',
				type: 'string',
				default: '',
				placeholder: 'e.g. https://example.com/banner.jpg',
				description:
					'A public https link to an image, video or document shown above the message instead of a text header. Set Header Media Type too.',
				displayOptions: buttonsOnly,
			},
		],
	},

	// Reaction
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. wamid.HBgLMjc4MjEyMzQ1NjcVAgARGBI…',
		description: 'The wamid of the message to react to, from a FlowIQ webhook or an earlier send',
		displayOptions: shownFor('messageId'),
	},
	{
		displayName: 'Emoji',
		name: 'emoji',
		type: 'string',
		default: DEFAULT_EMOJI,
		placeholder: `e.g. ${DEFAULT_EMOJI}`,
		description: `One emoji. Left empty, ${DEFAULT_EMOJI} is sent.`,
		displayOptions: shownFor('emoji'),
	},

	optionsCollection([
		{
			displayName: 'Create Contact If Missing',
			name: 'createContactIfMissing',
			type: 'boolean',
			default: false,
			description:
				'Whether to create the contact first when the number is not a FlowIQ contact yet, with the same cleaning and duplicate rules as Contact → Create, and then send',
		},
		defaultCountryOption,
		maxConcurrencyOption,
		{
			...retries,
			description: `${retries.description} A message that may have been delivered is never resent.`,
		},
		{
			displayName: 'New Contact Name',
			name: 'newContactName',
			type: 'string',
			default: '',
			placeholder: 'e.g. Jane Smith',
			description: 'The name the contact gets if it has to be created. Left empty, the phone number is used.',
			displayOptions: { show: { createContactIfMissing: [true] } },
		},
		{
			displayName: 'Reply To Message ID',
			name: 'replyToMessageId',
			type: 'string',
			default: '',
			placeholder: 'e.g. wamid.HBgLMjc4MjEyMzQ1NjcVAgARGBI…',
			description:
				'The wamid of a message in this chat: the new message is shown as a reply to it. Reactions ignore this option.',
			displayOptions: { hide: { '/messageType': ['reaction'] } },
		},
		timeoutOption,
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['message'], operation: ['send'] } }, properties);

/** The fields the chosen message type reads, as the item gives them. */
function readSendInput(context: IExecuteFunctions, itemIndex: number): RawSendInput {
	// Read as the body builder reads it, so "Image" from an expression shows the image fields.
	const messageType = String(context.getNodeParameter('messageType', itemIndex, 'text') ?? '').trim().toLowerCase();
	const input: RawSendInput = {
		phoneNumber: context.getNodeParameter('phoneNumber', itemIndex, ''),
		messageType,
		replyToMessageId: context.getNodeParameter('options.replyToMessageId', itemIndex, ''),
	};
	const fields: ReadonlyArray<keyof RawSendInput> = FIELDS_BY_TYPE[messageType as MessageType] ?? [];
	for (const field of fields) input[field] = context.getNodeParameter(field, itemIndex, undefined);
	return input;
}

interface MessageToSend {
	itemIndex: number;
	body: SendRequestBody;
	/** Tells this item's message apart in the run's memory, across n8n's Retry On Fail. */
	memoryKey: string;
	/** The name a missing contact is created with; undefined when Create Contact If Missing is off. */
	newContactName?: string;
}

/** Where the tool calls of one execution keep their memory: not a run index n8n uses. */
const TOOL_CALLS = -1;

/** What sending one message came to, and what the rest of the run must know of it. */
interface Sent {
	result: ItemResult;
	/** Why FlowIQ may have delivered it although the node cannot tell. */
	mayHaveBeenDelivered?: string;
	/** No later message may be sent: the execution was cancelled, or every one would fail alike (credential, tenant, provider). */
	stops?: 'cancelled' | 'everyItemFails';
}

/** FlowIQ's organisation cannot send at all: the same answer awaits every message. */
const ORGANISATION_CANNOT_SEND = /^(invalid provider|meta not configured)$/i;

function mayHaveBeenDeliveredError(context: IExecuteFunctions, itemIndex: number, why: string): NodeOperationError {
	return new NodeOperationError(context.getNode(), `${why}: the message may have been delivered, so the node does not send it again`, {
		description: 'Check the conversation in FlowIQ (Conversation → Get Messages) before sending it again',
		itemIndex,
	});
}

/** Reads FlowIQ's answer to one send. */
function readSendAnswer(
	context: IExecuteFunctions,
	transport: FlowIqTransport,
	answer: Exchanged,
	{ itemIndex, body }: MessageToSend,
	contactCreated: boolean,
): Sent {
	if (answer.kind === 'cancelled') {
		const error = cancelledError(context, itemIndex, { thing: 'message', sent: answer.sent, ifSent: 'it may have been delivered' });
		return {
			result: { output: 'error', error },
			mayHaveBeenDelivered: answer.sent ? 'The execution was cancelled after it was sent' : undefined,
			stops: 'cancelled',
		};
	}
	if (answer.kind === 'answer') {
		const data = asObject(answer.body).data;
		if (answer.status >= 200 && answer.status < 300 && data && typeof data === 'object') {
			const json = { ...(data as IDataObject), phone_number: body.phone_number, ...(contactCreated ? { contact_created: true } : {}) };
			return { result: { output: 0, json } };
		}
		if (isContactNotFound(answer.status, answer.body)) {
			const error = new NodeOperationError(context.getNode(), `FlowIQ has no contact with the number ${body.phone_number}: the message was not sent`, {
				description: 'Create the contact first with Contact → Create, or turn on Create Contact If Missing under Options',
				itemIndex,
			});
			return { result: { output: 'error', error } };
		}
	}
	// 503 and 429 mean FlowIQ did not process the message; any other 5xx or a lost answer may follow
	// one it sent, and a success without the message's data says it was processed all the same.
	const mayHaveActed =
		answer.kind === 'noAnswer' || (answer.status >= 500 && answer.status !== 503) || (answer.status >= 200 && answer.status < 300);
	const problem = problemOf(answer, transport.options.timeout);
	if (mayHaveActed) {
		const why = answer.kind === 'noAnswer' ? problem.message : `FlowIQ answered ${answer.status} (${problem.error})`;
		const error = mayHaveBeenDeliveredError(context, itemIndex, why);
		return { result: { output: 'error', error }, mayHaveBeenDelivered: why };
	}
	const everyItemFails =
		problem.status !== undefined && (affectsEveryItem(problem.status, problem.error) || ORGANISATION_CANNOT_SEND.test(problem.error));
	return { result: { output: 'error', error: apiError(context, problem, itemIndex) }, stops: everyItemFails ? 'everyItemFails' : undefined };
}

/**
 * Creates the contact a send was refused for, by Contact → Create's rules: the same cleaning, and
 * a 409 (someone created it meanwhile) is as good. `created` or `existed` when the message can now
 * be sent.
 */
async function createMissingContact(
	context: IExecuteFunctions,
	transport: FlowIqTransport,
	{ itemIndex, body, newContactName }: MessageToSend,
): Promise<Sent | 'created' | 'existed'> {
	const notCreated = (why: string): Sent => ({
		result: {
			output: 'error',
			error: new NodeOperationError(context.getNode(), `The contact could not be created, so the message was not sent: ${why}`, {
				description: 'Correct New Contact Name under Options, or the phone number',
				itemIndex,
			}),
		},
	});
	const cleaned = cleanContact({ name: newContactName || body.phone_number, phoneNumber: body.phone_number });
	if (!cleaned.ok) return notCreated(cleaned.message);
	const created = await transport.createContact(cleaned.value);
	switch (created.kind) {
		case 'created':
			return 'created';
		case 'duplicate':
			return 'existed';
		case 'invalid':
			return notCreated(created.message);
		case 'cancelled':
			return { result: { output: 'error', error: cancelledError(context, itemIndex, { thing: 'message', sent: false }) }, stops: 'cancelled' };
		default:
			return {
				result: { output: 'error', error: apiError(context, created, itemIndex) },
				stops: created.kind === 'failed' && affectsEveryItem(created.status, created.error) ? 'everyItemFails' : undefined,
			};
	}
}

async function sendMessage(context: IExecuteFunctions, transport: FlowIqTransport, message: MessageToSend): Promise<Sent> {
	const request = { method: 'POST' as const, path: '/send-whatsapp', body: message.body };
	let answer = await transport.call(request, RETRY_WHEN_NOT_PROCESSED);
	const missingContact = answer.kind === 'answer' && isContactNotFound(answer.status, answer.body);
	if (!missingContact || message.newContactName === undefined) return readSendAnswer(context, transport, answer, message, false);
	const contact = await createMissingContact(context, transport, message);
	if (typeof contact !== 'string') return contact;
	answer = await transport.call(request, RETRY_WHEN_NOT_PROCESSED);
	return readSendAnswer(context, transport, answer, message, contact === 'created');
}

/** Message → Send: checks every item's message, sends the valid ones, and never sends one twice. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const context = this;
	const items = this.getInputData();
	const results: ItemResult[] = new Array(items.length);
	const continueOnFail = this.continueOnFail();
	let transport: FlowIqTransport;
	try {
		transport = await openTransport(this, readRequestOptions(this));
	} catch (error) {
		failEveryItem(results, error, this, continueOnFail);
		return buildOutputs(results, 1, continueOnFail);
	}
	// As a tool, every call is a run of its own, and so is each of Retry On Fail's tries: the
	// message's content alone tells a retry apart, so the same message to the same number goes
	// out once per execution.
	const asTool = runsAsTool(this);
	const runIndex = asTool ? TOOL_CALLS : this.getWorkflowDataProxy(0).$thisRunIndex;
	const sentBefore = runRecordFor(this.getContext('node'), runIndex).messages;

	/** Checks item after item, recording those that cannot be sent, and yields the rest. */
	function* messagesToSend(): Generator<MessageToSend> {
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			let message: MessageToSend;
			try {
				const built = buildSendBody(readSendInput(context, itemIndex), readDefaultCountry(context, itemIndex));
				if (!built.ok) {
					throw new NodeOperationError(context.getNode(), built.message, {
						description: 'Correct the field it names: the message was not sent',
						itemIndex,
					});
				}
				const createIfMissing = context.getNodeParameter('options.createContactIfMissing', itemIndex, false) === true;
				message = {
					itemIndex,
					body: built.value,
					// A try of Retry On Fail sees the same items, but expressions such as {{ $now }} may
					// give a new text: outside a tool, the item alone names its message.
					memoryKey: asTool ? JSON.stringify(built.value) : String(itemIndex),
					newContactName: createIfMissing ? String(context.getNodeParameter('options.newContactName', itemIndex, '') ?? '') : undefined,
				};
			} catch (error) {
				const failure = asOperationError(context, error, itemIndex);
				if (!continueOnFail) throw failure;
				results[itemIndex] = { output: 'error', error: failure };
				continue;
			}
			yield message;
		}
	}

	/** Set once no later message may be sent: what each of them gets instead. */
	let stoppedBy: ((itemIndex: number) => ItemResult) | undefined;
	await runPool(messagesToSend(), transport.options.maxConcurrency, async (message) => {
		const { itemIndex, memoryKey } = message;
		const remembered = sentBefore.get(memoryKey);
		if (remembered) {
			results[itemIndex] =
				'delivered' in remembered
					? { output: 0, json: { ...remembered.delivered } }
					: { output: 'error', error: mayHaveBeenDeliveredError(context, itemIndex, remembered.mayHaveBeenDelivered) };
			return;
		}
		if (stoppedBy) {
			results[itemIndex] = stoppedBy(itemIndex);
			return;
		}
		const sent = await sendMessage(context, transport, message);
		results[itemIndex] = sent.result;
		if (sent.result.output === 0) sentBefore.set(memoryKey, { delivered: sent.result.json as IDataObject });
		if (sent.mayHaveBeenDelivered) sentBefore.set(memoryKey, { mayHaveBeenDelivered: sent.mayHaveBeenDelivered });
		if (sent.result.output !== 'error' || (continueOnFail && !sent.stops)) return;
		const stop = sent.result;
		// Later messages were never sent, whatever happened to the one that stopped the run.
		stoppedBy ??= (laterIndex) =>
			sent.stops === 'cancelled' ? { output: 'error', error: cancelledError(context, laterIndex, { thing: 'message', sent: false }) } : stop;
	});
	return buildOutputs(results, 1, continueOnFail);
}
