'use strict';
/**
 * End-to-end: the package installed by n8n itself, through the Community Nodes install
 * (POST /rest/community-packages, what the editor's "Install" button sends), in a real n8n 1.x and
 * 2.x, from a registry on 127.0.0.1 serving the packed tarball; then the example workflow run on the
 * installed copy. n8n.e2e.test.js installs the files the same way by hand (host.installLikeCommunityNodes);
 * this suite lets n8n run every step of its own: npm pack from the registry, unpacking, stripping the
 * manifest, its checks, hot-loading the nodes and recording the package in its database.
 *
 * Two things are not n8n's own, both to keep the test on this machine: the registry's licence gate
 * is opened by customRegistryLicence.js, and the outside calls n8n makes about a package (it asks
 * n8n's backend whether the package is banned, and treats any failure as "no") are sent to a proxy
 * on loopback that forwards nothing (closedProxy.js), so they fail at once and can be counted.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const host = require('../../scripts/n8n-host');
const dev = require('../../scripts/dev');
const { startLocalRegistry, manifestOf } = require('./localRegistry');
const { usePackedPackage } = require('./packed');
const { startClosedProxy, isLoopback } = require('./closedProxy');
const { startSandbox, fixtures } = require('../../sandbox/server');

const SETUP_TIMEOUT = 15 * 60 * 1000; // covers a first-time host install
const TEST_TIMEOUT = 4 * 60 * 1000;

const LICENCE_PRELOAD = path.join(__dirname, 'customRegistryLicence.js');
const PACKAGE = 'n8n-nodes-flowiq';
const NODE_TYPES = [`${PACKAGE}.flowIq`, `${PACKAGE}.flowIqTrigger`];
// The node is usableAsTool: n8n may list the AI-tool variant it derives from it as well.
const TOOL_TYPE = `${PACKAGE}.flowIqTool`;
const API2_VERSION_SUFFIX = '-api2';
const INCOMPATIBLE = "This community node isn't compatible with your version of n8n. Update n8n to use it.";

/**
 * A copy of a packed tarball with its package.json changed by `edit`, packed again the way npm lays
 * a tarball out (everything under package/). Resolves with the new tarball's path in `destination`.
 */
function repack(tarball, destination, edit) {
	const staging = fs.mkdtempSync(path.join(destination, 'repack-'));
	try {
		execFileSync('tar', ['-xzf', tarball, '-C', staging]);
		const manifestPath = path.join(staging, 'package', 'package.json');
		const manifest = edit(JSON.parse(fs.readFileSync(manifestPath, 'utf8')));
		fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
		const repacked = path.join(destination, `${manifest.name}-${manifest.version}.tgz`);
		execFileSync('tar', ['-czf', repacked, '-C', staging, 'package']);
		return repacked;
	} finally {
		fs.rmSync(staging, { recursive: true, force: true });
	}
}

/**
 * What `n8n start` needs for a Community Nodes install from the loopback registry, and nothing
 * more: the registry and its licence gate, unverified packages allowed (2.x warns its default will
 * change), every proxied call sent to the closed proxy and loopback exempt from it, and npm's cache
 * in the test's folder.
 */
function communityInstallEnv({ hostDir, registry, proxy, work }) {
	const noProxy = '127.0.0.1,localhost';
	return {
		N8N_COMMUNITY_PACKAGES_REGISTRY: registry.url,
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		NODE_OPTIONS: [process.env.NODE_OPTIONS, `--require "${LICENCE_PRELOAD}"`].filter(Boolean).join(' '),
		FLOWIQ_N8N_HOST_DIR: hostDir,
		HTTP_PROXY: proxy.url,
		HTTPS_PROXY: proxy.url,
		http_proxy: proxy.url,
		https_proxy: proxy.url,
		NO_PROXY: noProxy,
		no_proxy: noProxy,
		// n8n 2.41 passes --registry to its npm pack only; the npm install after it (and npm's
		// audit) would ask the default registry, through the closed proxy, and retry for 30 s.
		npm_config_registry: registry.url,
		npm_config_audit: 'false',
		npm_config_fund: 'false',
		npm_config_cache: path.join(work, 'npm-cache'),
		npm_config_update_notifier: 'false',
	};
}

/** The node types the editor loads (the list n8n writes to /types/nodes.json). */
async function editorNodeTypes(url, cookie) {
	const response = await fetch(`${url}/types/nodes.json`, { headers: { cookie }, signal: AbortSignal.timeout(30000) });
	expect(response.status).toBe(200);
	return (await response.json()).map((node) => node.name);
}

/** The installed packages as the Community Nodes screen lists them; n8n 1.x names failedLoading only when true. */
function loaded(listed) {
	return listed.map(({ packageName, installedVersion, failedLoading = false }) => ({ packageName, installedVersion, failedLoading }));
}

/** Package folders inside a folder's node_modules (none when it has no node_modules). */
function nestedPackages(dir) {
	const nodeModules = path.join(dir, 'node_modules');
	return fs.existsSync(nodeModules) ? fs.readdirSync(nodeModules).filter((name) => !name.startsWith('.')) : [];
}

const tarball = usePackedPackage(SETUP_TIMEOUT);
let version;
let api2Tarball;
let api2Dir;

beforeAll(() => {
	({ version } = manifestOf(tarball()));
	api2Dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowiq-e2e-api2-'));
	api2Tarball = repack(tarball(), api2Dir, (manifest) => ({
		...manifest,
		version: `${manifest.version}${API2_VERSION_SUFFIX}`,
		n8n: { ...manifest.n8n, n8nNodesApiVersion: 2 },
	}));
}, SETUP_TIMEOUT);

afterAll(() => {
	if (api2Dir) fs.rmSync(api2Dir, { recursive: true, force: true });
});

describe.each(['1', '2'])('installed by the Community Nodes install of a real n8n %s.x', (major) => {
	let work;
	let userFolder;
	let sandbox;
	let registry;
	let proxy;
	let server;
	let cookie;
	const log = [];

	const packageDir = () => path.join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE);

	beforeAll(async () => {
		const hostDir = await host.ensureHost(major);
		work = fs.mkdtempSync(path.join(os.tmpdir(), `flowiq-community-n8n${major}-`));
		userFolder = path.join(work, 'user');
		sandbox = await startSandbox({ quiet: true });
		// Imported before n8n starts: the CLI cannot write to the database of a running n8n.
		await host.importIntoN8n(major, userFolder, {
			credentials: [dev.exampleCredential(sandbox.url)],
			workflows: [dev.exampleWorkflow()],
		});
		registry = await startLocalRegistry([tarball(), api2Tarball]);
		proxy = await startClosedProxy();
		server = await dev.startN8n({
			major,
			userFolder,
			port: await dev.freePort(),
			echo: (line) => log.push(line),
			env: communityInstallEnv({ hostDir, registry, proxy, work }),
		});
		({ cookie } = await dev.setupOwner(server.url));
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await server?.stop();
		await proxy?.close();
		await registry?.close();
		await sandbox?.close();
		if (work) fs.rmSync(work, { recursive: true, force: true });
	});

	test(
		'POST /rest/community-packages installs it from the registry and loads the FlowIQ nodes at once',
		async () => {
			const { data: installed } = await dev.rest(server.url, '/community-packages', {
				method: 'POST',
				cookie,
				body: { name: PACKAGE, version },
			});
			expect(installed).toMatchObject({ packageName: PACKAGE, installedVersion: version });
			const types = installed.installedNodes.map((node) => node.type);
			expect(types).toEqual(expect.arrayContaining(NODE_TYPES));
			expect([...NODE_TYPES, TOOL_TYPE]).toEqual(expect.arrayContaining(types));
			expect(installed.installedNodes.find((node) => node.type === NODE_TYPES[0]).name).toBe('FlowIQ');

			const { data: listed } = await dev.rest(server.url, '/community-packages', { cookie });
			expect(loaded(listed)).toEqual([{ packageName: PACKAGE, installedVersion: version, failedLoading: false }]);
			expect(await editorNodeTypes(server.url, cookie)).toEqual(expect.arrayContaining(NODE_TYPES));

			// On disk: the package alone, its manifest stripped of what only a developer needs.
			expect(nestedPackages(packageDir())).toEqual([]);
			const manifest = JSON.parse(fs.readFileSync(path.join(packageDir(), 'package.json'), 'utf8'));
			expect(manifest).toMatchObject({ name: PACKAGE, version });
			expect(manifest).not.toHaveProperty('devDependencies');
			expect(manifest).not.toHaveProperty('peerDependencies');
			expect(manifest.dependencies ?? {}).toEqual({});
			const ledger = JSON.parse(fs.readFileSync(path.join(userFolder, '.n8n', 'nodes', 'package.json'), 'utf8'));
			expect(ledger.dependencies).toEqual({ [PACKAGE]: version });

			// n8n's npm fetched the tarball from the loopback registry.
			expect(registry.requests).toContain(`GET /${PACKAGE}/-/${PACKAGE}-${version}.tgz`);
		},
		TEST_TIMEOUT,
	);

	if (major === '2') {
		test(
			'refuses an update that declares n8n node API version 2 and keeps the installed version loaded',
			async () => {
				const api2Version = `${version}${API2_VERSION_SUFFIX}`;
				// A second install of an installed package stops at "already installed", before any
				// download: an update (the editor's "Update" button) is how a new version arrives.
				const askFor = (method) =>
					dev.rest(server.url, '/community-packages', { method, cookie, body: { name: PACKAGE, version: api2Version }, anyStatus: true });
				const again = await askFor('POST');
				expect(again.status).toBe(400);
				expect(again.data.message).toContain(`Package "${PACKAGE}" is already installed`);

				const update = await askFor('PATCH');
				expect(update.status).toBe(400);
				expect(update.data).toMatchObject({
					message: INCOMPATIBLE,
					meta: { requiredNodesApiVersion: 2, supportedNodesApiVersion: 1 },
				});
				// It was refused on the downloaded package.json, not for want of a download.
				expect(registry.requests).toContain(`GET /${PACKAGE}/-/${PACKAGE}-${api2Version}.tgz`);

				// Nothing of the refused version is left: not in n8n, not on disk, no backup folder.
				const { data: listed } = await dev.rest(server.url, '/community-packages', { cookie });
				expect(loaded(listed)).toEqual([{ packageName: PACKAGE, installedVersion: version, failedLoading: false }]);
				expect(await editorNodeTypes(server.url, cookie)).toEqual(expect.arrayContaining(NODE_TYPES));
				const manifest = JSON.parse(fs.readFileSync(path.join(packageDir(), 'package.json'), 'utf8'));
				expect(manifest.version).toBe(version);
				expect(manifest.n8n.n8nNodesApiVersion).toBe(1);
				const ledger = JSON.parse(fs.readFileSync(path.join(userFolder, '.n8n', 'nodes', 'package.json'), 'utf8'));
				expect(ledger.dependencies).toEqual({ [PACKAGE]: version });
				expect(fs.readdirSync(path.dirname(packageDir())).filter((name) => !name.startsWith('.'))).toEqual([PACKAGE]);
			},
			TEST_TIMEOUT,
		);
	}

	test(
		'runs the example workflow on the installed copy: every sample lead lands on its output',
		async () => {
			// `n8n execute` opens the same database, so the server stops first; it loads the
			// package from the folder the install wrote.
			await server.stop();
			const run = await host.executeWorkflow(major, userFolder, dev.exampleWorkflow().id);
			expect(run.data.resultData.error).toBeUndefined();
			expect(run).toMatchObject({ status: 'success', finished: true });
			const [created, duplicate, invalid] = run.data.resultData.runData.FlowIQ[0].data.main.map((items) =>
				items.map((item) => item.pairedItem.item),
			);
			expect({ created, duplicate, invalid }).toEqual({ created: [0, 1], duplicate: [4, 5], invalid: [2, 3] });
			expect(sandbox.contacts('acme')).toHaveLength(fixtures.SEED_CONTACTS.acme.length + 2);
		},
		TEST_TIMEOUT,
	);

	test(
		'nothing left the machine: registry calls stayed on loopback, every outside call met the closed proxy',
		() => {
			// The registry saw only reads of this package (from n8n's pre-check and from npm).
			expect(registry.requests.length).toBeGreaterThan(0);
			for (const request of registry.requests) expect(request).toMatch(new RegExp(`^GET /${PACKAGE}(/|$)`));

			// n8n's question to its backend about the package went to the proxy, and failed there;
			// nothing for 127.0.0.1 (the registry) was ever sent through it.
			const destinations = proxy.attempts.map((attempt) => attempt.hostname);
			expect(destinations).toContain('api.n8n.io');
			expect(proxy.attempts.filter((attempt) => !attempt.hostname || isLoopback(attempt.hostname))).toEqual([]);

			// No outside name was looked up directly: this machine cannot resolve one, so a call
			// that bypassed the proxy would have logged a DNS failure.
			expect(log.filter((line) => /getaddrinfo|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH/.test(line))).toEqual([]);
		},
		TEST_TIMEOUT,
	);
});
