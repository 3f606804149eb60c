'use strict';
/**
 * End-to-end: the packed package installed by hand, the way n8n's docs tell self-hosted and
 * queue-mode users to (`npm install` inside ~/.n8n/nodes, install scripts on), into a real n8n
 * 1.x on this machine's Node and 2.x on Node 24, then the example workflow run with `n8n execute`.
 * n8n.e2e.test.js covers the other way in: the Community Nodes screen.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const host = require('../../scripts/n8n-host');
const { usePackedPackage } = require('./packed');
const dev = require('../../scripts/dev');
const { startSandbox, fixtures } = require('../../sandbox/server');

const SETUP_TIMEOUT = 15 * 60 * 1000; // covers a first-time host install
const RUN_TIMEOUT = 120 * 1000;

/** Files under `dir` (recursively) whose name passes `wanted`. */
function filesUnder(dir, wanted) {
	return fs
		.readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile() && wanted(entry.name))
		.map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
}

const tarball = usePackedPackage(SETUP_TIMEOUT);

describe.each(['1', '2'])('installed with npm install in ~/.n8n/nodes of a real n8n %s.x', (major) => {
	let work;
	let userFolder;
	let sandbox;
	let npmOutput;

	beforeAll(async () => {
		await host.ensureHost(major);
		work = fs.mkdtempSync(path.join(os.tmpdir(), `flowiq-npm-install-n8n${major}-`));
		userFolder = path.join(work, 'user');
		npmOutput = host.installWithNpm(major, userFolder, tarball());
		sandbox = await startSandbox({ quiet: true });
		await host.importIntoN8n(major, userFolder, {
			credentials: [dev.exampleCredential(sandbox.url)],
			workflows: [dev.exampleWorkflow()],
		});
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await sandbox?.close();
		if (work) fs.rmSync(work, { recursive: true, force: true });
	});

	test("npm ran on the host's own Node: 20 for n8n 1.x as on these machines, 24 for n8n 2.x", () => {
		const version = execFileSync('node', ['--version'], { env: host.hostEnv(major), encoding: 'utf8' }).trim();
		expect(version).toBe(major === '2' ? `v${host.HOSTS['2'].nodeVersion}` : process.version);
	});

	test('adds the package alone: no dependencies, no n8n-workflow, nothing to compile', () => {
		const nodeModules = path.join(userFolder, '.n8n', 'nodes', 'node_modules');
		const installed = fs.readdirSync(nodeModules).filter((name) => !name.startsWith('.'));
		expect(installed).toEqual(['n8n-nodes-flowiq']);
		expect(filesUnder(nodeModules, (name) => name === 'binding.gyp' || name.endsWith('.node'))).toEqual([]);
		expect(npmOutput).not.toMatch(/gyp|prebuild|install script/i);
	});

	test(
		'runs the example workflow: every sample lead reaches the output it belongs on',
		async () => {
			const run = await host.executeWorkflow(major, userFolder, dev.exampleWorkflow().id);
			expect(run.data.resultData.error).toBeUndefined();
			expect(run).toMatchObject({ status: 'success', finished: true });
			const [created, duplicate, invalid] = run.data.resultData.runData.FlowIQ[0].data.main;
			const leadsOn = (items) => items.map((item) => item.pairedItem.item);
			expect(leadsOn(created)).toEqual([0, 1]);
			expect(leadsOn(duplicate)).toEqual([4, 5]);
			expect(leadsOn(invalid)).toEqual([2, 3]);
			expect(invalid.map((item) => item.json.reason)).toEqual(['not_on_whatsapp', 'invalid_email']);
			expect(created.map((item) => item.json.phone_number)).toEqual(['+27821234567', '+27827654321']);
			expect(sandbox.contacts('acme')).toHaveLength(fixtures.SEED_CONTACTS.acme.length + 2); // the seeded contacts and the two created
		},
		RUN_TIMEOUT,
	);
});
