import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { isLoopback } from '../FlowIq/helpers/credentials';

/** The query parameter of the registered URL that carries the registration's secret. */
export const SECRET_PARAMETER = 'secret';

/** What makes two registrations the same at FlowIQ: where it calls, for what, and on whose account. */
export interface RegistrationKey {
	/** n8n’s webhook URL for the node, without the secret. */
	webhookUrl: string;
	platform: string;
	/** The types registered: `['all']`, or documented types, sorted. */
	types: string[];
	/** Which FlowIQ account holds the registration (see accountOf). */
	account: string;
}

/**
 * This node's registration at FlowIQ, as the workflow's static data keeps it. The secret itself is
 * not kept: only FlowIQ holds it, in the URL it calls. n8n 1.x copies a workflow's static data into
 * every execution it saves, so static data is no place for it.
 */
export interface Registration extends RegistrationKey {
	/** SHA-256 of the URL's `secret`, in hex: a request whose secret has another digest is not FlowIQ's. */
	secretDigest: string;
	/** FlowIQ's ids of the webhooks, to find them in FlowIQ's dashboard. */
	webhookIds: string[];
	registeredAt: string;
}

/** Where in the node's static data the registration is kept. */
const STATIC_DATA_KEY = 'flowIqRegistration';

function isStringList(value: unknown): value is string[] {
	return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
}

/** The registration the node's static data holds, or undefined when it holds none that is whole. */
export function readRegistration(staticData: IDataObject): Registration | undefined {
	const stored = staticData[STATIC_DATA_KEY] as Partial<Registration> | undefined;
	if (!stored || typeof stored !== 'object') return undefined;
	const { webhookUrl, platform, types, account, secretDigest, webhookIds, registeredAt } = stored;
	const texts = [webhookUrl, platform, account, registeredAt];
	if (!texts.every((text) => typeof text === 'string' && text !== '') || !isStringList(types) || !isStringList(webhookIds)) {
		return undefined;
	}
	if (typeof secretDigest !== 'string' || !/^[0-9a-f]{64}$/.test(secretDigest)) return undefined;
	return stored as Registration;
}

export function saveRegistration(staticData: IDataObject, registration: Registration): void {
	staticData[STATIC_DATA_KEY] = { ...registration } as unknown as IDataObject;
}

/** Whether the kept registration is the one wanted: same URL, platform, types and account. */
export function isSameRegistration(kept: RegistrationKey | undefined, wanted: RegistrationKey): boolean {
	if (!kept) return false;
	return (
		kept.webhookUrl === wanted.webhookUrl &&
		kept.platform === wanted.platform &&
		kept.account === wanted.account &&
		kept.types.length === wanted.types.length &&
		kept.types.every((type, index) => type === wanted.types[index])
	);
}

/**
 * A short fingerprint of the FlowIQ account (Base URL and key), so a registration made with one
 * account is not taken for one made with another. One-way: the key cannot be read back from it.
 */
export function accountOf(baseUrl: string, apiKey: string): string {
	return createHash('sha256').update(`${baseUrl}\n${apiKey.trim()}`).digest('hex').slice(0, 16);
}

/** A new registration secret: 32 random bytes, as 64 hex characters. */
export function newSecret(): string {
	return randomBytes(32).toString('hex');
}

/** The URL FlowIQ is given: n8n’s webhook URL with the secret as a query parameter. */
export function urlWithSecret(webhookUrl: string, secret: string): string {
	const url = new URL(webhookUrl);
	url.searchParams.set(SECRET_PARAMETER, secret);
	return url.toString();
}

/** What the static data keeps of a secret: its SHA-256, in hex. */
export function digestOf(secret: string): string {
	return createHash('sha256').update(secret).digest('hex');
}

/**
 * Whether a request's `secret` is the registration's, by its digest. The digests have one length
 * and are compared in constant time, so neither the secret's characters nor its length leak
 * through timing.
 */
export function secretMatches(given: unknown, secretDigest: string): boolean {
	if (typeof given !== 'string' || given === '' || !/^[0-9a-f]{64}$/.test(secretDigest)) return false;
	return timingSafeEqual(createHash('sha256').update(given).digest(), Buffer.from(secretDigest, 'hex'));
}

/**
 * Why FlowIQ cannot be given this webhook URL, or undefined. FlowIQ documents an HTTPS endpoint,
 * and the secret in the URL must not cross a network in clear text: plain http is for a FlowIQ on
 * this machine only (the sandbox).
 */
export function webhookUrlProblem(webhookUrl: string | undefined, apiBaseUrl: string): string | undefined {
	if (!webhookUrl) return 'n8n gave no webhook URL for this node';
	let url: URL;
	try {
		url = new URL(webhookUrl);
	} catch {
		return `n8n’s webhook URL "${webhookUrl}" is not a URL`;
	}
	if (url.protocol === 'https:') return undefined;
	if (url.protocol === 'http:' && isLoopback(new URL(apiBaseUrl).hostname)) return undefined;
	return `FlowIQ only calls https:// addresses, and n8n’s webhook URL for this node is ${url.protocol}//${url.host}`;
}
