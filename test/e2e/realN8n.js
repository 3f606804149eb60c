'use strict';
// What the end-to-end suites for the node's operations and its AI tool share: a real n8n with the
// packed package installed the way the Community Nodes screen installs it, a FlowIQ sandbox whose
// request log the tests read, one credential for organisation acme, and helpers to run workflows
// with `n8n execute` and read their run data.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const host = require('../../scripts/n8n-host');
const { rest } = require('../../scripts/dev');
const { startSandbox, fixtures } = require('../../sandbox/server');

const ACME_CREDENTIAL = Object.freeze({ id: 'flowiqE2eAcme', name: 'FlowIQ e2e (acme)' });

const FLOWIQ_TYPES = ['n8n-nodes-flowiq.flowIq', 'n8n-nodes-flowiq.flowIqTool', 'n8n-nodes-flowiq.flowIqTrigger'];

/** The workflows saved as JSON in `dir` (not its subfolders). */
function workflowsIn(dir) {
	return fs
		.readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
}

/** A copy of `workflow` whose FlowIQ nodes all use the acme credential of these suites. */
function withAcmeCredential(workflow) {
	const copy = structuredClone(workflow);
	for (const node of copy.nodes) {
		if (FLOWIQ_TYPES.includes(node.type)) node.credentials = { flowIqApi: { ...ACME_CREDENTIAL } };
	}
	return copy;
}

/** `json` and `pairedItem` of each item: what a downstream node and the editor see. */
function shape(items) {
	return (items ?? []).map(({ json, pairedItem }) => ({ json, pairedItem }));
}

/** The input connection a node's run `run` came from, as { node, output }. */
function fedBy(runData, nodeName, run = 0) {
	const task = runData[nodeName][run];
	if (task.source.length !== 1) throw new Error(`${nodeName} run ${run} has ${task.source.length} sources`);
	return { node: task.source[0].previousNode, output: task.source[0].previousNodeOutput ?? 0 };
}

/**
 * The API requests in the sandbox's log lines, in the order they were answered: method, path,
 * query (an object) and the outcome ("200", "dropped", …). Control routes are left out.
 */
function apiRequests(lines) {
	return lines
		.map((line) => {
			const [method, target, outcome] = line.split(' ');
			const url = new URL(target, 'http://sandbox');
			return { method, path: url.pathname, query: Object.fromEntries(url.searchParams), outcome };
		})
		.filter((request) => !request.path.startsWith('/__sandbox/'));
}

/**
 * Sets up one major version for a describe block: host, user folder with the package, sandbox,
 * the acme credential and `workflows()` imported in one call. Returns an object whose fields
 * fill in once `beforeAll` has run: `sandbox`, `userFolder`, `requestLog` (the sandbox's log
 * lines of the current test), and `onLogLine` (set by a test to watch lines as they come; cleared
 * before each test).
 */
function useRealN8n({ major, tarball, workflows, timeoutMs }) {
	const state = { sandbox: undefined, userFolder: undefined, requestLog: [], onLogLine: undefined };
	let work;

	beforeAll(async () => {
		await host.ensureHost(major);
		work = fs.mkdtempSync(path.join(os.tmpdir(), `flowiq-e2e-ops-n8n${major}-`));
		state.userFolder = path.join(work, 'user');
		host.installLikeCommunityNodes(state.userFolder, tarball());
		state.sandbox = await startSandbox({
			log: (line) => {
				state.requestLog.push(line);
				state.onLogLine?.(line);
			},
		});
		await host.importIntoN8n(major, state.userFolder, {
			credentials: [
				{
					...ACME_CREDENTIAL,
					type: 'flowIqApi',
					data: { apiKey: fixtures.KEYS.acme, tenantId: fixtures.ORGS.acme.tenantId, baseUrl: state.sandbox.url },
				},
			],
			workflows: workflows().map(withAcmeCredential),
		});
	}, timeoutMs);

	afterAll(async () => {
		await state.sandbox?.close();
		if (work) fs.rmSync(work, { recursive: true, force: true });
	});

	beforeEach(() => {
		state.sandbox?.configure({ revision: 'current' });
		state.sandbox?.reset();
		state.requestLog.length = 0;
		state.onLogLine = undefined;
	});

	return state;
}

/** Runs a saved workflow with `n8n execute`; the run as n8n reports it, failed runs included. */
async function runWorkflow(major, userFolder, workflowId) {
	return (await host.executeWorkflowPrinting(major, userFolder, workflowId)).run;
}

/** The folder n8n-host.js installed `major` in: the one above node_modules/.bin/n8n. */
function hostFolder(major) {
	return path.resolve(path.dirname(host.n8nBin(major)), '..', '..');
}

/** Every node type the n8n of `userFolder` knows, as `n8n export:nodes` writes them (one CLI call). */
async function exportNodeTypes(major, userFolder) {
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'flowiq-e2e-types-'));
	try {
		const file = path.join(folder, 'nodes.json');
		await host.runN8nOrFail(major, userFolder, ['export:nodes', `--output=${file}`]);
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} finally {
		fs.rmSync(folder, { recursive: true, force: true });
	}
}

/**
 * The outputs each FlowIQ node of `workflows` declares, by display name, as that major's n8n works
 * them out from the node's outputs expression and its parameters (see declaredOutputs.js).
 */
function declaredOutputs(major, nodeTypes, workflows) {
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'flowiq-e2e-outputs-'));
	try {
		const input = path.join(folder, 'input.json');
		fs.writeFileSync(input, JSON.stringify({ nodeTypes, workflows }));
		const printed = execFileSync('node', [path.join(__dirname, 'declaredOutputs.js'), hostFolder(major), input], {
			env: host.hostEnv(major, { N8N_EXPRESSION_ENGINE: 'legacy' }),
			encoding: 'utf8',
			maxBuffer: 64 * 1024 * 1024,
		});
		return JSON.parse(printed);
	} finally {
		fs.rmSync(folder, { recursive: true, force: true });
	}
}

const UNTIL_TIMEOUT_MS = 30000;

/**
 * Resolves once `check()` resolves true, checking every 100 ms; throws after 30 s, saying `what`
 * did not happen. An error from `check()` ends the wait at once (queue-mode.js's waitFor, which
 * reads an error as "not there yet", would hide a failed activation behind a timeout).
 */
async function until(check, what) {
	const deadline = Date.now() + UNTIL_TIMEOUT_MS;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`${what} within ${UNTIL_TIMEOUT_MS} ms`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/**
 * Resolves once n8n has finished applying a workflow's activation (`active`) or deactivation.
 * n8n 2.41 applies both after the REST call has returned, through an outbox
 * (workflows.useWorkflowPublicationService, on by default), and stores a webhook before it runs
 * the trigger's create hook: a served URL is not yet a trigger registered at FlowIQ. Its
 * GET /workflows/:id/publication-status says when the work is done, and how it ended. n8n 1.x
 * has no such route (404): there the REST call returns once the work is done.
 */
async function untilPublished(url, cookie, workflowId, active) {
	const wanted = active ? 'published' : 'not_published';
	await until(async () => {
		const route = `/workflows/${workflowId}/publication-status`;
		const answer = await rest(url, route, { cookie, anyStatus: true });
		if (answer.status === 404) return true;
		if (answer.status !== 200) throw new Error(`GET /rest${route} answered ${answer.status}: ${JSON.stringify(answer.data)}`);
		const { status, triggers } = answer.data;
		if (['failed', 'partial'].includes(status)) {
			throw new Error(`n8n could not ${active ? 'activate' : 'deactivate'} workflow ${workflowId}: ${JSON.stringify(triggers)}`);
		}
		return status === wanted;
	}, `workflow ${workflowId} was not ${wanted}`);
}

module.exports = {
	until,
	untilPublished,
	exportNodeTypes,
	declaredOutputs,
	ACME_CREDENTIAL,
	workflowsIn,
	withAcmeCredential,
	shape,
	fedBy,
	apiRequests,
	useRealN8n,
	runWorkflow,
};
