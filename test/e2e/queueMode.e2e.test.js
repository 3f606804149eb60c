'use strict';
/**
 * End-to-end in n8n's queue mode (scripts/queue-mode.js): PostgreSQL, Redis, one main process and
 * two workers, for n8n 1.x and 2.x, the packed package installed with npm in ~/.n8n/nodes of every
 * process. An active workflow Webhook → FlowIQ Contact → Create → three NoOps, built and activated
 * through the main's REST API, receives leads on the main's production webhook URL; the workers run
 * the executions.
 *
 * 1. 500 leads posted 50 at a time against a FlowIQ sandbox limited to 40 requests a second: the
 *    executions are spread over both workers (each worker's "Worker started execution <id>" log
 *    lines: the execution record itself names no worker), every execution succeeds with
 *    its lead on exactly one output (read through the REST API), FlowIQ holds exactly one contact per
 *    distinct valid number, nothing is lost.
 * 2. A FlowIQ Trigger workflow activated through the main process registers the main's production
 *    URL at FlowIQ (the sandbox); the events the sandbox delivers there start executions that the
 *    workers run; a request without the registration's secret gets 401 and starts nothing.
 * 3. One worker SIGKILLed while its executions wait for FlowIQ's answers. What n8n does then is
 *    n8n's (see scaling.service.js and workflow-runner.js in each host; README "Queue mode"):
 *    1.123 re-queues the stalled job once and another worker runs the execution again from its
 *    start; 2.x (2.35 and 2.41 alike) creates its Bull queue with maxStalledCount 0, so the job
 *    fails and the main saves the execution as an error (MaxStalledCountError), run data replaced,
 *    nothing re-run (2.41 first re-checks for 30 s whether it finished after all). Either way no
 *    number gets a second contact: a re-run's create is answered 409 and ends on Duplicate.
 *
 * Bull's stalled-job timings are shortened (QUEUE_WORKER_LOCK_DURATION 15 s instead of n8n's 60 s,
 * stalled check every 5 s instead of 30 s) to keep the run short; what happens is the same.
 * The first run of a major installs its n8n host (several minutes); later runs reuse the cache.
 */
const http = require('node:http');
const path = require('node:path');
const { randomUUID } = require('node:crypto');

const host = require('../../scripts/n8n-host');
const queueMode = require('../../scripts/queue-mode');
const { rest, setupOwner } = require('../../scripts/dev');
const { startSandbox, fixtures } = require('../../sandbox/server');
const { usePackedPackage } = require('./packed');
const { untilPublished } = require('./realN8n');

const SETUP_TIMEOUT = 15 * 60 * 1000; // covers a first-time host install
const LEADS_TIMEOUT = 5 * 60 * 1000;
const KILL_TIMEOUT = 4 * 60 * 1000;

const RATE_LIMIT = 40; // FlowIQ sandbox: requests per second
const POSTS_AT_ONCE = 50; // the client posting the leads
const WORKER_CONCURRENCY = 10; // per worker: n8n's default, set explicitly
const QUEUE_TIMINGS = { lockDurationMs: 15000, lockRenewTimeMs: 5000, stalledIntervalMs: 5000 };
const WEBHOOK_PATH = 'flowiq-queue-leads';
const FINAL = ['success', 'error', 'crashed', 'canceled'];
const PAGE = 100; // the most executions n8n's REST API gives in one page
const MAX_EXECUTION_PAGES = 50; // 5,000 executions: far more than any test here starts

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pad = (value, width) => String(value).padStart(width, '0');
const digits = (text) => String(text).replace(/\D/g, '');

/** Prints a measured figure (jest shows console output with the test run). */
function report(major, text) {
	process.stdout.write(`[queue-mode n8n ${major}.x] ${text}\n`);
}

// ---------------------------------------------------------------------------------------------
// Leads

/**
 * 450 leads with distinct numbers (a few "not on WhatsApp", a few not numbers at all) and 50 that
 * repeat an earlier valid number in national format, each placed a few leads after its original
 * so the two race through the queue on different workers.
 */
function makeLeads() {
	const distinct = [];
	for (let i = 0; i < 450; i++) {
		const lead = { lead_id: `L${pad(i, 3)}`, name: `Queue Lead ${i}`, email: `lead${i}@example.com`, tags: 'lead, queue-mode' };
		if (i % 25 === 3) distinct.push({ ...lead, phone: `call me ${i}`, expected: 'invalid_phone' });
		else if (i % 15 === 7) distinct.push({ ...lead, phone: `+27 84 ${pad(i, 3)} 0000`, expected: 'not_on_whatsapp' });
		else distinct.push({ ...lead, phone: `+27 83 ${pad(i, 3)} ${1000 + i}`, expected: 'valid' });
	}
	const valid = distinct.filter((lead) => lead.expected === 'valid');
	const leads = [...distinct];
	for (let j = 0; j < 50; j++) {
		const original = valid[(j * 8) % valid.length];
		const repeat = {
			...original,
			lead_id: `R${pad(j, 2)}`,
			name: `${original.name} (again)`,
			phone: `0${digits(original.phone).slice(2).replace(/^(\d{2})(\d{3})(\d{4})$/, '$1 $2 $3')}`,
		};
		const at = leads.indexOf(original) + 3 + (j % 20);
		leads.splice(Math.min(at, leads.length), 0, repeat);
	}
	return leads;
}

/** Posts every lead to `url`, `atOnce` requests in flight; resolves with each answer's status. */
async function postLeads(url, leads, atOnce) {
	const statuses = new Array(leads.length);
	let next = 0;
	async function lane() {
		while (next < leads.length) {
			const index = next++;
			const { expected, ...body } = leads[index];
			try {
				const response = await fetch(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body),
					signal: AbortSignal.timeout(60000),
				});
				await response.arrayBuffer();
				statuses[index] = response.status;
			} catch (error) {
				statuses[index] = error.name;
			}
		}
	}
	await Promise.all(Array.from({ length: Math.min(atOnce, leads.length) }, lane));
	return statuses;
}

// ---------------------------------------------------------------------------------------------
// A recording proxy in front of the sandbox: which number each POST /contact carried, its answer

async function startRecorder(targetUrl) {
	const records = [];
	const server = http.createServer(async (req, res) => {
		const chunks = [];
		for await (const chunk of req) chunks.push(chunk);
		const body = Buffer.concat(chunks);
		const record = { method: req.method, path: req.url, at: Date.now(), number: undefined, status: undefined };
		if (req.method === 'POST' && req.url.startsWith('/contact')) {
			try {
				record.number = digits(JSON.parse(body.toString('utf8')).phone_number);
			} catch {
				record.number = '';
			}
		}
		records.push(record);
		const headers = { ...req.headers };
		for (const name of ['host', 'connection', 'content-length', 'keep-alive', 'transfer-encoding']) delete headers[name];
		try {
			// Not tied to the caller's socket: a request that reached "FlowIQ" is carried out even
			// when the worker that sent it dies, as it would be by the real API.
			const answer = await fetch(`${targetUrl}${req.url}`, { method: req.method, headers, body: body.length ? body : undefined });
			const payload = Buffer.from(await answer.arrayBuffer());
			record.status = answer.status;
			record.answeredAt = Date.now();
			const out = {};
			answer.headers.forEach((value, name) => {
				if (!['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'content-encoding'].includes(name)) out[name] = value;
			});
			if (!res.destroyed) {
				res.writeHead(answer.status, out);
				res.end(payload);
			}
		} catch {
			record.status = 'no answer';
			res.destroy();
		}
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		records,
		creates: () => records.filter((record) => record.method === 'POST' && record.number !== undefined),
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

// ---------------------------------------------------------------------------------------------
// The workflow and n8n's REST API

const NODE = Object.freeze({ webhook: 'Lead webhook', create: 'Create contact', outputs: ['New contact', 'Already in FlowIQ', 'Needs fixing'] });

function leadsWorkflow(credential) {
	const noOp = (name, y) => ({ id: randomUUID(), name, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [700, y], parameters: {} });
	return {
		name: 'Queue mode: a contact for every lead',
		active: false, // n8n 1.x stores it as given; activation comes after, through /activate
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
		nodes: [
			{
				id: randomUUID(),
				name: NODE.webhook,
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 200],
				webhookId: randomUUID(),
				// Respond at once: the lead source is never kept waiting, and every posted lead is
				// queued straight away for the workers.
				parameters: { httpMethod: 'POST', path: WEBHOOK_PATH, responseMode: 'onReceived', options: {} },
			},
			{
				id: randomUUID(),
				name: NODE.create,
				type: 'n8n-nodes-flowiq.flowIq',
				typeVersion: 1,
				position: [300, 200],
				parameters: {
					resource: 'contact',
					operation: 'create',
					name: '={{ $json.body.name }}',
					phoneNumber: '={{ $json.body.phone }}',
					email: '={{ $json.body.email }}',
					tags: '={{ $json.body.tags }}',
					options: { defaultCountry: 'ZA' },
				},
				credentials: { flowIqApi: credential },
			},
			noOp(NODE.outputs[0], 60),
			noOp(NODE.outputs[1], 200),
			noOp(NODE.outputs[2], 340),
		],
		connections: {
			[NODE.webhook]: { main: [[{ node: NODE.create, type: 'main', index: 0 }]] },
			[NODE.create]: { main: NODE.outputs.map((node) => [{ node, type: 'main', index: 0 }]) },
		},
	};
}

const TRIGGER = Object.freeze({ trigger: 'FlowIQ Trigger', get: 'Find contact', outputs: ['Known customer', 'New customer'] });

/** FlowIQ Trigger (Message Received) → FlowIQ Contact → Get → a NoOp on Found and on Not Found. */
function triggerWorkflow(credential, webhookId) {
	const noOp = (name, y) => ({ id: randomUUID(), name, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [600, y], parameters: {} });
	return {
		name: 'Queue mode: look up who wrote',
		active: false,
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
		nodes: [
			{
				id: randomUUID(),
				name: TRIGGER.trigger,
				type: 'n8n-nodes-flowiq.flowIqTrigger',
				typeVersion: 1,
				position: [0, 100],
				webhookId,
				parameters: { events: ['message_received'] },
				credentials: { flowIqApi: credential },
			},
			{
				id: randomUUID(),
				name: TRIGGER.get,
				type: 'n8n-nodes-flowiq.flowIq',
				typeVersion: 1,
				position: [300, 100],
				parameters: { resource: 'contact', operation: 'get', phoneNumber: '={{ $json.phone_number }}', options: {} },
				credentials: { flowIqApi: credential },
			},
			noOp(TRIGGER.outputs[0], 0),
			noOp(TRIGGER.outputs[1], 200),
		],
		connections: {
			[TRIGGER.trigger]: { main: [[{ node: TRIGGER.get, type: 'main', index: 0 }]] },
			[TRIGGER.get]: { main: TRIGGER.outputs.map((node) => [{ node, type: 'main', index: 0 }]) },
		},
	};
}

/** Saves a workflow through the main's REST API and activates it there; its id, once n8n has applied the activation. */
async function createAndActivate(url, cookie, workflow) {
	const { data: created } = await rest(url, '/workflows', { method: 'POST', cookie, body: workflow });
	const { data: activated } = await rest(url, `/workflows/${created.id}/activate`, {
		method: 'POST',
		cookie,
		body: { versionId: created.versionId },
	});
	expect(activated.active).toBe(true);
	await untilPublished(url, cookie, created.id, true);
	return created.id;
}

/**
 * Execution summaries of a workflow with an id above `afterId`, oldest first, each once, from as
 * many REST pages as it takes. n8n 1.x sorts by id and pages by id (lastId). n8n 2.41 refuses
 * lastId, sorts by start time, and its cursor keeps only the last row's id (`id < that id`): an
 * execution created after that row but started before it falls between two pages, and in queue
 * mode workers start executions out of id order, so some would never be listed. There the pages
 * are windows of start time instead: each asks for what started at or before the earliest start
 * on the page before (inclusive, so nothing started in that same millisecond is skipped; what is
 * listed twice is dropped by id). Only a started execution has a start time, so past the first
 * page a 2.x list holds started executions only; the callers poll until all have finished.
 */
async function listExecutions(url, cookie, workflowId, afterId = 0) {
	const status = [...FINAL, 'new', 'running', 'waiting', 'unknown'];
	const page = async (extra, position = '') => {
		const filter = encodeURIComponent(JSON.stringify({ workflowId, status, ...extra }));
		return (await rest(url, `/executions?filter=${filter}&limit=${PAGE}${position}`, { cookie })).data;
	};
	const all = [];
	let data = await page({});
	const pagesByStartTime = 'nextCursor' in data;
	for (let pages = 1; ; pages++) {
		all.push(...data.results.filter((execution) => Number(execution.id) > afterId));
		if (data.results.length < PAGE) break;
		if (pages === MAX_EXECUTION_PAGES) throw new Error(`more than ${MAX_EXECUTION_PAGES} pages of executions`);
		if (pagesByStartTime) {
			const starts = data.results.filter((execution) => execution.startedAt).map((execution) => Date.parse(execution.startedAt));
			if (starts.length === 0) break; // a page of queued executions only: the callers poll again
			const startedBefore = new Date(Math.min(...starts)).toISOString();
			const next = await page({ startedBefore });
			if (next.results.length === PAGE && next.results.every((execution) => execution.startedAt === startedBefore)) {
				throw new Error(`${PAGE} or more executions started at ${startedBefore}: no page of ${PAGE} can get past them`);
			}
			data = next;
		} else {
			data = await page({}, `&lastId=${Math.min(...data.results.map((execution) => Number(execution.id)))}`);
		}
	}
	return [...new Map(all.map((execution) => [Number(execution.id), execution])).values()].sort((a, b) => Number(a.id) - Number(b.id));
}

/** Waits until `count` executions above `afterId` have a final status; returns their summaries. */
async function waitForFinished(url, cookie, workflowId, { afterId = 0, count, timeoutMs }) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const executions = await listExecutions(url, cookie, workflowId, afterId);
		const finished = executions.filter((execution) => FINAL.includes(execution.status));
		if (finished.length >= count) return executions;
		if (Date.now() > deadline) {
			throw new Error(`${finished.length} of ${count} executions finished within ${timeoutMs / 1000} s (${executions.length} exist)`);
		}
		await sleep(1000);
	}
}

/** Reads executions one by one through GET /rest/executions/:id, `atOnce` at a time, run data parsed. */
async function readExecutions(major, url, cookie, ids, atOnce = 8) {
	const flatted = require(path.join(path.dirname(host.n8nBin(major)), '..', 'flatted'));
	const read = new Map();
	let next = 0;
	async function lane() {
		while (next < ids.length) {
			const id = ids[next++];
			const { data } = await rest(url, `/executions/${id}`, { cookie });
			read.set(Number(id), { ...data, data: typeof data.data === 'string' ? flatted.parse(data.data) : data.data });
		}
	}
	await Promise.all(Array.from({ length: atOnce }, lane));
	return read;
}

/** The lead an execution received, and where the FlowIQ node sent it. */
function outcomeOf(execution) {
	const runData = execution.data?.resultData?.runData ?? {};
	const lead = runData[NODE.webhook]?.[0]?.data?.main?.[0]?.[0]?.json?.body;
	const outputs = runData[NODE.create]?.[0]?.data?.main ?? [];
	const counts = NODE.outputs.map((_, index) => outputs[index]?.length ?? 0);
	const output = counts.findIndex((count) => count > 0);
	return {
		lead,
		counts,
		output,
		item: output >= 0 ? outputs[output][0].json : undefined,
		ranNoOps: NODE.outputs.filter((name) => runData[name]),
		runData,
	};
}

/** Execution ids a worker logged as started and as finished, from its line `from` on. */
function workerLog(worker, from = 0) {
	const started = [];
	const finished = new Set();
	for (const line of worker.lines().slice(from)) {
		const start = /Worker started execution (\d+)/.exec(line);
		if (start) started.push(Number(start[1]));
		const end = /Worker finished execution (\d+)/.exec(line);
		if (end) finished.add(Number(end[1]));
	}
	return { started, startedSet: new Set(started), finished };
}

/** The most executions a worker ran at the same time, from its line `from` on. */
function mostRunningAtOnce(worker, from = 0) {
	let running = 0;
	let most = 0;
	for (const line of worker.lines().slice(from)) {
		if (/Worker started execution \d+/.test(line)) most = Math.max(most, ++running);
		else if (/Worker finished execution \d+/.test(line)) running--;
	}
	return most;
}

// ---------------------------------------------------------------------------------------------

const tarball = usePackedPackage(SETUP_TIMEOUT);

describe.each(['1', '2'])('queue mode: n8n %s.x, a main process and two workers on PostgreSQL and Redis', (major) => {
	let cluster;
	let sandbox;
	let recorder;
	let cookie;
	let credentialRef;
	let workflowId;
	let webhookUrl;
	let lastIdOfLeadsRun = 0;

	beforeAll(async () => {
		await host.ensureHost(major);
		// FlowIQ a network hop away: 100-200 ms per request, and its rate limit.
		sandbox = await startSandbox({ quiet: true, rateLimit: RATE_LIMIT, latencyMs: 100, latencyJitterMs: 100 });
		recorder = await startRecorder(sandbox.url);
		cluster = await queueMode.start({ major, tarball: tarball(), workerConcurrency: WORKER_CONCURRENCY, ...QUEUE_TIMINGS });
		report(major, `queue mode up in ${(cluster.startupMs / 1000).toFixed(1)} s (3 npm installs, PostgreSQL, Redis, main, 2 workers)`);
		({ cookie } = await setupOwner(cluster.main.url));
		const { data: credential } = await rest(cluster.main.url, '/credentials', {
			method: 'POST',
			cookie,
			body: {
				name: 'FlowIQ sandbox (queue mode)',
				type: 'flowIqApi',
				data: { apiKey: fixtures.KEYS.acme, tenantId: fixtures.ORGS.acme.tenantId, baseUrl: recorder.url },
			},
		});
		credentialRef = { id: credential.id, name: credential.name };
		workflowId = await createAndActivate(cluster.main.url, cookie, leadsWorkflow(credentialRef));
		webhookUrl = `${cluster.main.url}/webhook/${WEBHOOK_PATH}`;
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await cluster?.stop();
		await recorder?.close();
		await sandbox?.close();
	}, 120 * 1000);

	test(
		'500 leads posted at once: spread over both workers, each on exactly one output, one contact per number, none lost',
		async () => {
			const leads = makeLeads();
			expect(leads).toHaveLength(500);
			const linesBefore = cluster.workers.map((worker) => worker.lines().length);
			const seeded = sandbox.contacts('acme').length;

			const postedAt = Date.now();
			const statuses = await postLeads(webhookUrl, leads, POSTS_AT_ONCE);
			const postMs = Date.now() - postedAt;
			expect(statuses.filter((status) => status !== 200)).toEqual([]);

			const summaries = await waitForFinished(cluster.main.url, cookie, workflowId, { count: leads.length, timeoutMs: LEADS_TIMEOUT - 90 * 1000 });
			const allDoneMs = Date.now() - postedAt;
			expect(summaries).toHaveLength(leads.length); // one execution per posted lead, no more
			lastIdOfLeadsRun = Math.max(...summaries.map((execution) => Number(execution.id)));
			const ids = summaries.map((execution) => Number(execution.id));

			// Spread over both workers: each execution started (and finished) on exactly one of them.
			const logs = cluster.workers.map((worker, index) => workerLog(worker, linesBefore[index]));
			for (const id of ids) {
				const ranOn = logs.filter((log) => log.startedSet.has(id));
				expect({ id, workers: ranOn.length, finished: ranOn.every((log) => log.finished.has(id)) }).toEqual({ id, workers: 1, finished: true });
			}
			const shares = logs.map((log) => log.started.length);
			const atOnce = cluster.workers.map((worker, index) => mostRunningAtOnce(worker, linesBefore[index]));
			for (const most of atOnce) expect(most).toBeLessThanOrEqual(WORKER_CONCURRENCY);
			expect(shares.reduce((sum, share) => sum + share, 0)).toBe(leads.length);
			for (const share of shares) expect(share).toBeGreaterThanOrEqual(leads.length * 0.1); // measured: 145 to 306

			// Every execution succeeded with its lead on exactly one output, and that output's NoOp ran.
			const executions = await readExecutions(major, cluster.main.url, cookie, ids);
			const byLead = new Map();
			for (const [id, execution] of executions) {
				expect({ id, status: execution.status, error: execution.data.resultData.error?.message }).toEqual({ id, status: 'success', error: undefined });
				const outcome = outcomeOf(execution);
				expect(outcome.counts.reduce((sum, count) => sum + count, 0)).toBe(1);
				expect(outcome.ranNoOps).toEqual([NODE.outputs[outcome.output]]);
				expect(byLead.has(outcome.lead.lead_id)).toBe(false);
				byLead.set(outcome.lead.lead_id, outcome);
			}
			expect([...byLead.keys()].sort()).toEqual(leads.map((lead) => lead.lead_id).sort()); // none lost, none twice

			// Where each lead went: Invalid for the unusable numbers; per valid number exactly one
			// Created and the other leads with it on Duplicate, naming that contact.
			const CREATED = 0;
			const DUPLICATE = 1;
			const INVALID = 2;
			const byNumber = new Map();
			for (const lead of leads) {
				const outcome = byLead.get(lead.lead_id);
				if (lead.expected !== 'valid') {
					expect({ lead: lead.lead_id, output: outcome.output, reason: outcome.item.reason }).toEqual({
						lead: lead.lead_id,
						output: INVALID,
						reason: lead.expected,
					});
					continue;
				}
				const number = digits(lead.phone.startsWith('0') ? `27${digits(lead.phone).slice(1)}` : lead.phone);
				if (!byNumber.has(number)) byNumber.set(number, []);
				byNumber.get(number).push(outcome);
			}
			const contacts = sandbox.contacts('acme');
			const contactOf = new Map(contacts.map((contact) => [contact.whatsapp_id, contact]));
			for (const [number, outcomes] of byNumber) {
				const created = outcomes.filter((outcome) => outcome.output === CREATED);
				const duplicates = outcomes.filter((outcome) => outcome.output === DUPLICATE);
				expect({ number, created: created.length, duplicates: duplicates.length }).toEqual({
					number,
					created: 1,
					duplicates: outcomes.length - 1,
				});
				expect(created[0].item.id).toBe(contactOf.get(number).id);
				for (const duplicate of duplicates) expect(duplicate.item.existing_contact.id).toBe(contactOf.get(number).id);
			}

			// FlowIQ: exactly one contact per distinct valid number, and nothing else added.
			expect(contacts).toHaveLength(seeded + byNumber.size);
			expect(new Set(contacts.map((contact) => contact.whatsapp_id)).size).toBe(contacts.length);
			for (const number of byNumber.keys()) expect(contactOf.has(number)).toBe(true);
			const creates = recorder.creates();
			const answered201 = creates.filter((record) => record.status === 201);
			expect(answered201).toHaveLength(byNumber.size);
			expect(new Set(answered201.map((record) => record.number)).size).toBe(byNumber.size);

			const stats = sandbox.stats();
			const outputsCount = [CREATED, DUPLICATE, INVALID].map((output) => [...byLead.values()].filter((outcome) => outcome.output === output).length);
			const firstCreate = Math.min(...creates.map((record) => record.at));
			const lastCreate = Math.max(...creates.map((record) => record.answeredAt ?? record.at));
			report(
				major,
				[
					`500 leads posted in ${(postMs / 1000).toFixed(1)} s, all 500 executions finished ${(allDoneMs / 1000).toFixed(1)} s after the first post`,
					`(${(500 / (allDoneMs / 1000)).toFixed(1)} executions/s); workers ${shares.join(' + ')}, at most ${atOnce.join(' and ')} running at once;`,
					`outputs Created ${outputsCount[0]}, Duplicate ${outputsCount[1]}, Invalid ${outputsCount[2]};`,
					`POST /contact ${creates.length} (${creates.length - stats.rateLimited} admitted, ${stats.rateLimited} answered 429) over`,
					`${((lastCreate - firstCreate) / 1000).toFixed(1)} s = ${((creates.length - stats.rateLimited) / ((lastCreate - firstCreate) / 1000)).toFixed(1)}/s`,
					`admitted against a limit of ${RATE_LIMIT}/s; at most ${stats.maxInFlight} in flight`,
				].join(' '),
			);
		},
		LEADS_TIMEOUT,
	);

	test(
		'the FlowIQ Trigger activated on the main process registers the main’s URL; the workers run what FlowIQ’s events start',
		async () => {
			sandbox.reset();
			const linesBefore = cluster.workers.map((worker) => worker.lines().length);
			const webhookId = randomUUID();
			const triggerWorkflowId = await createAndActivate(cluster.main.url, cookie, triggerWorkflow(credentialRef, webhookId));

			// Activation ran on the main process: one registration, for the main's production URL.
			const registered = sandbox.webhooks('acme');
			expect(registered.map(({ type }) => type)).toEqual(['message_received']);
			const target = new URL(registered[0].url);
			expect(`${target.origin}${target.pathname}`).toBe(`${cluster.main.url}/webhook/${webhookId}/webhook`);

			// A request without the registration's secret is refused on the main and starts nothing.
			const forged = await fetch(`${target.origin}${target.pathname}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ event_type: 'message_received', whatsapp_id: fixtures.SEED_CONTACTS.acme[0].whatsapp_id, message: 'forged' }),
			});
			expect(forged.status).toBe(401);

			// 20 messages at once: 10 from Existing Customer, 10 from numbers FlowIQ does not know.
			const events = Array.from({ length: 20 }, (_, i) =>
				i < 10 ? { event_type: 'message_received', message: `Event ${i}` } : { event_type: 'message_received', message: `Event ${i}`, whatsapp_id: `2782999${pad(i, 4)}` },
			);
			const emitted = await Promise.all(events.map((event) => sandbox.emit('acme', event)));
			for (const { deliveries } of emitted) expect(deliveries.map((delivery) => delivery.status)).toEqual([200]);

			const summaries = await waitForFinished(cluster.main.url, cookie, triggerWorkflowId, { count: events.length, timeoutMs: 60000 });
			expect(summaries).toHaveLength(events.length); // the forged request started nothing
			const ids = summaries.map((execution) => Number(execution.id));
			const executions = await readExecutions(major, cluster.main.url, cookie, ids);
			const messages = [];
			for (const [id, execution] of executions) {
				expect({ id, status: execution.status, mode: execution.mode }).toEqual({ id, status: 'success', mode: 'webhook' });
				const runData = execution.data.resultData.runData;
				const [item] = runData[TRIGGER.trigger][0].data.main[0];
				messages.push(item.json.message);
				const [found, notFound] = runData[TRIGGER.get][0].data.main;
				const known = item.json.whatsapp_id === fixtures.SEED_CONTACTS.acme[0].whatsapp_id;
				expect({ message: item.json.message, found: found.length, notFound: notFound.length }).toEqual({
					message: item.json.message,
					found: known ? 1 : 0,
					notFound: known ? 0 : 1,
				});
				expect(item.json.phone_number).toBe(`+${item.json.whatsapp_id}`);
			}
			expect(messages.sort()).toEqual(events.map((event) => event.message).sort());

			// Run by the workers, each execution on exactly one of them.
			const logs = cluster.workers.map((worker, index) => workerLog(worker, linesBefore[index]));
			for (const id of ids) expect(logs.filter((log) => log.startedSet.has(id) && log.finished.has(id))).toHaveLength(1);
			const shares = logs.map((log) => log.started.filter((id) => ids.includes(id)).length);
			report(major, `FlowIQ Trigger: 1 registration for the main's URL; 20 events, 20 executions run by the workers (${shares.join(' + ')}); forged request 401`);
		},
		2 * 60 * 1000,
	);

	test(
		'a worker killed mid-run: n8n handles its executions as documented, and no number gets a second contact',
		async () => {
			sandbox.reset();
			sandbox.configure({ rateLimit: 0 });
			recorder.records.length = 0;
			// Every create is carried out at once and answered 6 s later: when the worker dies, the
			// contacts of its running executions exist in FlowIQ, but it never learnt so.
			const leads = Array.from({ length: 40 }, (_, i) => ({
				lead_id: `K${pad(i, 2)}`,
				name: `Kill Test Lead ${i}`,
				phone: `+27 72 ${pad(i, 3)} ${2000 + i}`,
				email: '',
				tags: 'lead',
			}));
			sandbox.failNext({ kind: 'slow', delayMs: 6000, phase: 'after' }, leads.length, 'POST /contact');
			const [victim, survivor] = cluster.workers;
			const from = { victim: victim.lines().length, survivor: survivor.lines().length };

			const statuses = await postLeads(webhookUrl, leads, leads.length);
			expect(statuses.filter((status) => status !== 200)).toEqual([]);

			// Kill once the victim has executions whose creates reached FlowIQ and wait for answers.
			const deadline = Date.now() + 60000;
			while (workerLog(victim, from.victim).started.length < 3) {
				if (Date.now() > deadline) throw new Error(`${victim.name} started no executions:\n${victim.tail()}`);
				await sleep(100);
			}
			await sleep(1500);
			const atKill = workerLog(victim, from.victim);
			const inFlight = [...atKill.startedSet].filter((id) => !atKill.finished.has(id));
			const killedAt = Date.now();
			await victim.kill();
			expect(inFlight.length).toBeGreaterThan(0);

			const summaries = await waitForFinished(cluster.main.url, cookie, workflowId, {
				afterId: lastIdOfLeadsRun,
				count: leads.length,
				timeoutMs: KILL_TIMEOUT - 60 * 1000,
			});
			const settledMs = Date.now() - killedAt;
			expect(summaries).toHaveLength(leads.length);
			const executions = await readExecutions(major, cluster.main.url, cookie, summaries.map((execution) => Number(execution.id)));
			const survivorLog = workerLog(survivor, from.survivor);
			const victimLog = workerLog(victim, from.victim);

			const contacts = sandbox.contacts('acme');
			const contactOf = new Map(contacts.map((contact) => [contact.whatsapp_id, contact]));
			const creates = recorder.creates();
			const createsOf = (number) => creates.filter((record) => record.number === number);
			const reachedBeforeKill = (number) => createsOf(number).some((record) => record.at < killedAt && record.status === 201);

			// Never two contacts for a number, never two 201s for one number.
			expect(new Set(contacts.map((contact) => contact.whatsapp_id)).size).toBe(contacts.length);
			for (const lead of leads) {
				expect(createsOf(digits(lead.phone)).filter((record) => record.status === 201).length).toBeLessThanOrEqual(1);
			}

			const leadOf = new Map(leads.map((lead) => [lead.lead_id, lead]));
			const outcomes = [...executions.values()].map((execution) => ({ execution, ...outcomeOf(execution) }));
			// The executions the killed worker held: in flight on it when it died, never finished there.
			const held = outcomes.filter(({ execution }) => inFlight.includes(Number(execution.id)));
			expect(held.length).toBe(inFlight.length);
			const others = outcomes.filter((outcome) => !held.includes(outcome));

			if (major === '1') {
				// n8n 1.123: Bull finds the job stalled once its lock expires and puts it back in
				// the queue (maxStalledCount 1); the surviving worker runs the execution again from
				// its start, so the lead is created, or found already there: Duplicate, never twice.
				for (const outcome of outcomes) {
					expect({ id: outcome.execution.id, status: outcome.execution.status }).toEqual({ id: outcome.execution.id, status: 'success' });
					expect(outcome.counts.reduce((sum, count) => sum + count, 0)).toBe(1);
				}
				for (const { execution, lead, output, item } of held) {
					expect(survivorLog.startedSet.has(Number(execution.id))).toBe(true);
					const number = digits(lead.phone);
					if (reachedBeforeKill(number)) {
						expect({ lead: lead.lead_id, output }).toEqual({ lead: lead.lead_id, output: 1 }); // Duplicate
						expect(item.existing_contact.id).toBe(contactOf.get(number).id);
						expect(createsOf(number).map((record) => record.status)).toEqual([201, 409]);
					} else {
						expect({ lead: lead.lead_id, output }).toEqual({ lead: lead.lead_id, output: 0 }); // Created
					}
				}
				for (const { lead, output } of others) expect({ lead: lead.lead_id, output }).toEqual({ lead: lead.lead_id, output: 0 });
				// Nothing lost: every lead has its contact.
				for (const lead of leads) expect(contactOf.has(digits(lead.phone))).toBe(true);
				expect(contacts).toHaveLength(fixtures.SEED_CONTACTS.acme.length + leads.length);
				report(
					major,
					`killed ${victim.name} with ${held.length} executions in flight (${held.filter(({ lead }) => reachedBeforeKill(digits(lead.phone))).length} ` +
						`creates already carried out): all re-run on ${survivor.name}, last one done ${(settledMs / 1000).toFixed(1)} s after the kill; ` +
						`40 of 40 leads in FlowIQ once, ${held.filter(({ output }) => output === 1).length} of the re-run ones on Duplicate`,
				);
			} else {
				// n8n 2.x (2.35, 2.41): the queue has maxStalledCount 0, so the stalled job fails ("job stalled
				// more than allowable limit") and the main saves the execution as an error
				// (MaxStalledCountError) with its run data replaced. Nothing runs it again.
				for (const { execution, runData } of held) {
					expect(execution.status).toBe('error');
					expect(execution.data.resultData.error.message).toMatch(/failed to be processed too many times and will no longer retry/);
					expect(runData).toEqual({});
					expect(survivorLog.startedSet.has(Number(execution.id))).toBe(false);
				}
				for (const outcome of others) {
					expect({ id: outcome.execution.id, status: outcome.execution.status }).toEqual({ id: outcome.execution.id, status: 'success' });
					expect(outcome.counts).toEqual([1, 0, 0]); // Created
					expect(victimLog.finished.has(Number(outcome.execution.id)) || survivorLog.finished.has(Number(outcome.execution.id))).toBe(true);
				}
				// The leads of the failed executions: in FlowIQ exactly when their create got there
				// before the kill; one POST each, no retry by anyone.
				const shownLeads = new Set(others.map(({ lead }) => lead.lead_id));
				const lostFromN8n = leads.filter((lead) => !shownLeads.has(lead.lead_id));
				expect(lostFromN8n).toHaveLength(held.length);
				for (const lead of leads) {
					const number = digits(lead.phone);
					expect(createsOf(number).length).toBeLessThanOrEqual(1);
					expect(contactOf.has(number)).toBe(createsOf(number).some((record) => record.status === 201));
				}
				const inFlowIq = lostFromN8n.filter((lead) => contactOf.has(digits(lead.phone))).length;
				report(
					major,
					`killed ${victim.name} with ${held.length} executions in flight: all ${held.length} saved as error (MaxStalledCountError) ` +
						`${(settledMs / 1000).toFixed(1)} s after the kill, none re-run; ${inFlowIq} of their ${held.length} leads were already in FlowIQ ` +
						`(created once), the other ${leads.length - held.length} leads Created on the workers`,
				);
			}
			expect(leadOf.size).toBe(leads.length);
		},
		KILL_TIMEOUT,
	);
});
