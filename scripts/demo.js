'use strict';
// `npm run demo`: the example workflow in examples/ run by a real n8n, with this package installed
// the way the Community Nodes screen installs it, against the local FlowIQ sandbox.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const host = require('./n8n-host');
const { startSandbox } = require('../sandbox/server');
const { exampleWorkflow, prepareUserFolder } = require('./dev');

const OUTPUT_NAMES = ['Created', 'Duplicate', 'Invalid'];

function describeItem(output, item, leads) {
	const lead = leads[item.pairedItem.item];
	const who = `#${item.pairedItem.item + 1} ${lead.name} (${lead.phone})`;
	const json = item.json;
	if (json.error && Object.keys(json).length <= 2) return `${who}: error: ${json.error}`;
	if (output === 0) return `${who} → ${json.phone_number}, id ${json.id}`;
	if (output === 1) return `${who} → matches ${json.existing_contact.full_name} (${json.existing_contact.id}): ${json.message}`;
	return `${who} → ${json.reason} [${json.source}]: ${json.message}`;
}

async function main() {
	const major = process.argv[2] || '1';
	const started = Date.now();
	await host.ensureHost(major);
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'flowiq-demo-'));
	const sandbox = await startSandbox({ quiet: true });
	try {
		host.log('Building and packing the package');
		const tarball = await host.packPackage(work);
		const userFolder = path.join(work, 'user');
		host.log(`Importing the example workflow; the sandbox runs at ${sandbox.url}`);
		await prepareUserFolder({ major, userFolder, tarball, sandboxUrl: sandbox.url });

		const workflow = exampleWorkflow();
		host.log(`Running "${workflow.name}" with n8n execute`);
		const run = await host.executeWorkflow(major, userFolder, workflow.id);
		const failure = run.data?.resultData?.error;
		if (failure) throw new Error(`The workflow failed: ${failure.message}`);
		const outputs = run.data.resultData.runData.FlowIQ[0].data.main;
		const leads = JSON.parse(workflow.nodes.find((node) => node.name === 'Sample leads').parameters.jsonOutput).leads;

		console.log(`\nFlowIQ demo: ${leads.length} sample leads through n8n ${host.HOSTS[major].n8nVersion}\n`);
		outputs.forEach((items, output) => {
			console.log(`${OUTPUT_NAMES[output]} (${items?.length ?? 0})`);
			for (const item of items ?? []) console.log(`  ${describeItem(output, item, leads)}`);
		});
		const routed = outputs.reduce((sum, items) => sum + (items?.length ?? 0), 0);
		const stats = sandbox.stats();
		console.log(`\n${routed} of ${leads.length} leads routed; FlowIQ sandbox received ${stats.requests} requests; took ${((Date.now() - started) / 1000).toFixed(1)} s`);
		if (routed !== leads.length) throw new Error('Some leads did not reach an output');
	} finally {
		await sandbox.close();
		fs.rmSync(work, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(`\nDemo failed: ${error.message}`);
	process.exit(1);
});
