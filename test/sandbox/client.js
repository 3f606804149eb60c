'use strict';
/**
 * The one HTTP helper the sandbox tests share: a request against a running sandbox through Node's
 * global fetch, answered as { status, headers, body } with the body parsed when it is JSON.
 */
const { KEYS } = require('../../sandbox/fixtures');

/**
 * @param {string} baseUrl            the sandbox's url
 * @param {string} pathAndQuery       e.g. '/conversations?tenantId=acme'
 * @param {object} [options]
 * @param {string} [options.method='GET']
 * @param {string|null} [options.key]  Bearer key; null sends no Authorization header (default: acme's key)
 * @param {unknown} [options.body]     sent as JSON
 * @param {string} [options.rawBody]   sent as is
 * @param {object} [options.headers]
 */
async function request(baseUrl, pathAndQuery, { method = 'GET', key = KEYS.acme, body, rawBody, headers = {} } = {}) {
	const sent = { ...headers };
	if (key !== null) sent.Authorization = `Bearer ${key}`;
	let payload = rawBody;
	if (body !== undefined) {
		payload = JSON.stringify(body);
		sent['Content-Type'] = 'application/json';
	}
	const response = await fetch(`${baseUrl}${pathAndQuery}`, { method, headers: sent, body: payload });
	const text = await response.text();
	let parsed = text;
	if ((response.headers.get('content-type') || '').includes('application/json')) parsed = JSON.parse(text);
	return { status: response.status, headers: response.headers, body: parsed };
}

module.exports = { request };
