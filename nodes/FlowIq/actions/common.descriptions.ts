import type { INodeProperties } from 'n8n-workflow';

/**
 * Options every operation offers, each in its own Options collection. The numbers are written out
 * for n8n's lint rules; options.test.ts holds them to helpers/options.ts, which reads the values.
 */

export const defaultCountryOption: INodeProperties = {
	displayName: 'Default Country',
	name: 'defaultCountry',
	type: 'string',
	default: '',
	placeholder: 'e.g. ZA',
	description:
		'Two-letter country code (ISO 3166) used for numbers written without a country code, such as 082 123 4567',
};

export const maxConcurrencyOption: INodeProperties = {
	displayName: 'Max Concurrency',
	name: 'maxConcurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 50 },
	default: 5,
	description:
		'How many requests FlowIQ receives at once, at most. After a 429 (too many requests) the node also slows its pace by itself.',
};

export function maxRetriesOption(whatIsRetried: string): INodeProperties {
	return {
		displayName: 'Max Retries',
		name: 'maxRetries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10 },
		default: 3,
		description: `${whatIsRetried}, waiting longer each time. 0 turns retries off.`,
	};
}

export const timeoutOption: INodeProperties = {
	displayName: 'Timeout',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1000, maxValue: 3600000 },
	default: 30000,
	description:
		'Milliseconds each attempt may take, until the whole answer has arrived. Max Retries says whether a timed-out attempt is tried again.',
};

/** Max Concurrency as list operations use it: pages, not items, are requested at once. */
export const pageConcurrencyOption: INodeProperties = {
	...maxConcurrencyOption,
	description:
		'How many pages FlowIQ is asked for at once, at most. After a 429 (too many requests) the node also slows its pace by itself.',
};

/** A WhatsApp number field, cleaned alike by every operation; `description` says what it is for. */
export function phoneNumberField(description: string, shownFor?: INodeProperties['displayOptions']): INodeProperties {
	return {
		displayName: 'Phone Number',
		name: 'phoneNumber',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. +27 82 123 4567',
		description,
		hint: 'Numbers without a country code need Default Country under Options',
		...(shownFor ? { displayOptions: shownFor } : {}),
	};
}

/** An operation's Options collection. */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return { displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add option', default: {}, options };
}
