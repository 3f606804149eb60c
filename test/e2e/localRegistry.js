'use strict';
// A small npm registry on 127.0.0.1 that serves packed tarballs, for tests of n8n's Community Nodes
// install: n8n installs only by name and version, with `npm pack <name>@<version> --registry=<R>`,
// so a test that wants n8n's own install path needs a registry, and one that never leaves the machine.
//
// It answers what npm and n8n ask for and nothing more: the packument at /<name>, version documents
// at /<name>/<version> and /<name>/<dist-tag>, and the tarballs at the URLs those documents name, on
// the same port. It is read-only: the tarballs are held in memory and nothing is written anywhere.
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');

const LOOPBACK = '127.0.0.1';
// A test makes a few dozen requests; past this the log stops growing rather than the memory.
const MAX_RECORDED_REQUESTS = 1000;

/** The package.json inside a tarball made by `npm pack` (read with tar, as npm lays it out). */
function manifestOf(tarball) {
	return JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
}

/** The `dist` fields npm checks a download against: both computed from the bytes served. */
function digestsOf(bytes) {
	return {
		shasum: crypto.createHash('sha1').update(bytes).digest('hex'),
		integrity: `sha512-${crypto.createHash('sha512').update(bytes).digest('base64')}`,
	};
}

/** Where a version's tarball is served, npm's usual form: /<name>/-/<name without scope>-<version>.tgz */
function tarballPath(name, version) {
	return `/${name}/-/${name.split('/').pop()}-${version}.tgz`;
}

/** A version with a pre-release tag ("0.1.0-api2"): npm never makes one "latest" on its own. */
function isPrerelease(version) {
	return version.includes('-');
}

/**
 * Reads the tarballs into packages by name: { versions: Map(version -> { manifest, bytes, digests }),
 * tags }. "latest" is the last release version given for a name (its last version when all are
 * pre-releases), so a test's odd pre-release never becomes what `npm install <name>` picks.
 */
function loadPackages(tarballs) {
	const packages = new Map();
	for (const tarball of tarballs) {
		const bytes = fs.readFileSync(tarball);
		const manifest = manifestOf(tarball);
		const { name, version } = manifest;
		if (!packages.has(name)) packages.set(name, { versions: new Map(), tags: {} });
		const entry = packages.get(name);
		if (entry.versions.has(version)) throw new Error(`${tarball}: ${name}@${version} is given twice`);
		entry.versions.set(version, { manifest, bytes, digests: digestsOf(bytes) });
		if (!isPrerelease(version) || !entry.tags.latest || isPrerelease(entry.tags.latest)) entry.tags.latest = version;
	}
	return packages;
}

/** A version document as a registry serves it: the manifest plus where to get it and its digests. */
function versionDocument(baseUrl, { manifest, digests }) {
	return {
		...manifest,
		_id: `${manifest.name}@${manifest.version}`,
		dist: { ...digests, tarball: `${baseUrl}${tarballPath(manifest.name, manifest.version)}` },
	};
}

function packument(baseUrl, name, { versions, tags }) {
	return {
		_id: name,
		name,
		'dist-tags': tags,
		versions: Object.fromEntries([...versions].map(([version, entry]) => [version, versionDocument(baseUrl, entry)])),
	};
}

/**
 * What to answer for a request path: { status, json } or { status, bytes }. npm asks for a scoped
 * packument as /@scope%2fname, so the path is decoded before it is matched.
 */
function answer(packages, baseUrl, rawPath) {
	let pathname;
	try {
		pathname = decodeURIComponent(rawPath.split('?')[0]);
	} catch {
		return { status: 400, json: { error: 'bad request path' } };
	}
	const match = /^\/((?:@[^/]+\/)?[^/@][^/]*)(?:\/(.+))?$/.exec(pathname);
	const entry = match && packages.get(match[1]);
	if (!entry) return { status: 404, json: { error: 'Not found' } };
	const [, name, rest] = match;
	if (rest === undefined) return { status: 200, json: packument(baseUrl, name, entry) };
	if (rest.startsWith('-/')) {
		const served = [...entry.versions.values()].find(({ manifest }) => tarballPath(name, manifest.version) === pathname);
		return served ? { status: 200, bytes: served.bytes } : { status: 404, json: { error: 'Not found' } };
	}
	const version = entry.tags[rest] ?? rest;
	const found = entry.versions.get(version);
	return found ? { status: 200, json: versionDocument(baseUrl, found) } : { status: 404, json: { error: 'version not found' } };
}

/**
 * Serves `tarballs` (paths of `npm pack` output) on a free port of 127.0.0.1. Resolves with
 * { url, requests, close() }: `requests` lists every request as "METHOD /path" in arrival order;
 * close() stops the server and ends any open connection.
 */
function startLocalRegistry(tarballs) {
	const packages = loadPackages(tarballs);
	const requests = [];
	let baseUrl;
	const server = http.createServer((request, response) => {
		if (requests.length < MAX_RECORDED_REQUESTS) requests.push(`${request.method} ${request.url}`);
		request.resume(); // a registry read needs no body
		const reply =
			request.method === 'GET' || request.method === 'HEAD'
				? answer(packages, baseUrl, request.url)
				: { status: 405, json: { error: 'this registry is read-only' } };
		const body = reply.bytes ?? Buffer.from(JSON.stringify(reply.json));
		response.writeHead(reply.status, {
			'content-type': reply.bytes ? 'application/octet-stream' : 'application/json',
			'content-length': body.length,
		});
		response.end(body);
	});
	// Nothing here is slow: a stalled client is cut off instead of holding the test up.
	server.requestTimeout = 10000;
	server.headersTimeout = 10000;
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, LOOPBACK, () => {
			baseUrl = `http://${LOOPBACK}:${server.address().port}`;
			resolve({
				url: baseUrl,
				requests,
				close: () =>
					new Promise((done) => {
						server.close(() => done());
						server.closeAllConnections();
					}),
			});
		});
	});
}

module.exports = { startLocalRegistry, manifestOf };
