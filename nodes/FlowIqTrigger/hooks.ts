import {
	NodeApiError,
	NodeOperationError,
	type ICredentialsDecrypted,
	type IHookFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { apiBaseUrl, type FlowIqCredentials } from '../FlowIq/helpers/credentials';
import { MAX_RETRIES, TIMEOUT } from '../FlowIq/helpers/options';
import { FlowIqTransport, type Exchanged } from '../FlowIq/transport';
import { readFlowIqCredential } from '../FlowIq/transport/credential';
import { asObject, problemOf } from '../FlowIq/transport/outcome';
import { REDACTED } from '../FlowIq/transport/redact';
import { RETRY_WHEN_NOT_PROCESSED } from '../FlowIq/transport/retry';
import { typesToRegister } from './events';
import {
	accountOf,
	digestOf,
	isSameRegistration,
	newSecret,
	readRegistration,
	saveRegistration,
	urlWithSecret,
	webhookUrlProblem,
	type RegistrationKey,
} from './registration';

/** Registering is a few requests, one after the other, with the node's usual timeout and retries. */
const SET_UP_OPTIONS = { timeout: TIMEOUT.fallback, maxRetries: MAX_RETRIES.fallback, maxConcurrency: 1 };

const STALE_WEBHOOKS =
	'FlowIQ may hold webhooks from this attempt: they will be refused (401) and start nothing; remove them in FlowIQ if its dashboard offers it';

/** The registration the node's settings ask for. Throws a NodeOperationError saying what to change. */
function wantedRegistration(context: IHookFunctions, credential: ICredentialsDecrypted): RegistrationKey {
	const node = context.getNode();
	const types = typesToRegister(context.getNodeParameter('events', []));
	if (types.length === 0) {
		throw new NodeOperationError(node, 'No event is chosen', { description: 'Choose at least one event under Events' });
	}
	const platform = String(context.getNodeParameter('platform', 'whatsapp'));
	const account = credential.data as unknown as FlowIqCredentials;
	const baseUrl = apiBaseUrl(account);
	const webhookUrl = context.getNodeWebhookUrl('default');
	const problem = webhookUrlProblem(webhookUrl, baseUrl);
	if (problem) {
		throw new NodeOperationError(node, problem, {
			description: 'Set n8n’s WEBHOOK_URL to the https:// address at which FlowIQ can reach this n8n, then activate the workflow again',
		});
	}
	return { webhookUrl: webhookUrl as string, platform, types, account: accountOf(baseUrl, account.apiKey) };
}

/** Whether this workflow already registered exactly these settings at FlowIQ (FlowIQ has no list to ask). */
export async function checkExists(this: IHookFunctions): Promise<boolean> {
	const wanted = wantedRegistration(this, await readFlowIqCredential(this));
	return isSameRegistration(readRegistration(this.getWorkflowStaticData('node')), wanted);
}

/**
 * Registers the node's URL, with a new secret, once per chosen type (or once for `all`), and keeps
 * the registration (with the secret's digest) in the workflow's static data only when every type
 * is registered. A partial registration is not kept, so FlowIQ's calls to it are refused.
 */
export async function create(this: IHookFunctions): Promise<boolean> {
	const credential = await readFlowIqCredential(this);
	const wanted = wantedRegistration(this, credential);
	const secret = newSecret();
	const url = urlWithSecret(wanted.webhookUrl, secret);
	const transport = new FlowIqTransport(this, credential, SET_UP_OPTIONS);
	const webhookIds: string[] = [];
	try {
		for (const type of wanted.types) {
			// A lost answer is not retried: a second registration with the same secret would start
			// every event twice. Activating again registers with a new secret instead.
			const exchanged = await transport.call({ method: 'POST', path: '/set-webhooks', body: { url, type, platform: wanted.platform } }, RETRY_WHEN_NOT_PROCESSED);
			const id = registeredId(exchanged);
			if (id === undefined) throw registrationError(this, exchanged, type, secret);
			if (id) webhookIds.push(id);
		}
	} finally {
		transport.release();
	}
	const registeredAt = new Date().toISOString();
	saveRegistration(this.getWorkflowStaticData('node'), { ...wanted, secretDigest: digestOf(secret), webhookIds, registeredAt });
	return true;
}

/**
 * FlowIQ has no way to remove a webhook. The registration stays in the static data, so activating
 * again with the same settings reuses it instead of piling up another one at FlowIQ; meanwhile
 * n8n answers FlowIQ's calls to the inactive workflow with 404.
 */
export async function deleteRegistration(this: IHookFunctions): Promise<boolean> {
	return true;
}

/** FlowIQ's id for the webhook an answer registered ('' when it names none), or undefined when it registered nothing. */
function registeredId(exchanged: Exchanged): string | undefined {
	if (exchanged.kind !== 'answer' || exchanged.status < 200 || exchanged.status >= 300) return undefined;
	const body = asObject(exchanged.body);
	if (body.success === false) return undefined;
	const webhook = asObject(body.webhook);
	return typeof webhook.id === 'string' ? webhook.id : '';
}

/** Why registering the webhook for `type` failed, with the secret taken out of anything FlowIQ said. */
function registrationError(context: IHookFunctions, exchanged: Exchanged, type: string, secret: string): NodeApiError | NodeOperationError {
	const node = context.getNode();
	const hide = (text: string) => text.split(secret).join(REDACTED);
	if (exchanged.kind === 'cancelled') {
		return new NodeOperationError(node, `Registering the webhook for ${type} was cancelled`, { description: STALE_WEBHOOKS });
	}
	const problem = problemOf(exchanged, SET_UP_OPTIONS.timeout, ': FlowIQ may have registered it all the same');
	const description = `${hide(problem.hint)}. ${STALE_WEBHOOKS}`;
	if (problem.status === undefined) {
		return new NodeOperationError(node, `Registering the webhook for ${type} failed: ${hide(problem.message)}`, { description });
	}
	const error = hide(problem.error);
	return new NodeApiError(node, { error, message: hide(problem.message), status: problem.status } as JsonObject, {
		message: `FlowIQ answered ${problem.status} (${error}) to the registration of the webhook for ${type}: ${hide(problem.message)}`,
		description,
		httpCode: String(problem.status),
	});
}
