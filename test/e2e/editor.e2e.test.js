'use strict';
/**
 * The n8n editor in a real browser, on n8n 1.x and 2.x: n8n started the way `npm run dev` starts it (scripts/dev.js),
 * the package installed like the Community Nodes screen does, the owner set up headlessly, then
 * Debian's chromium (driven by playwright-core) signs in, opens the example workflow and checks
 * that the FlowIQ node is drawn with its three named outputs. Saves docs/editor.png from n8n 1.x.
 *
 * Needs /usr/bin/chromium (Debian: `apt-get install -y chromium`); CHROMIUM_PATH overrides it.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const host = require('../../scripts/n8n-host');
const dev = require('../../scripts/dev');
const { startSandbox } = require('../../sandbox/server');
const { usePackedPackage } = require('./packed');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
const SCREENSHOT = path.join(__dirname, '..', '..', 'docs', 'editor.png');
/** The README's picture comes from one major only, so runs on both do not fight over it. */
const SCREENSHOT_MAJOR = '1';
const OUTPUT_LABELS = ['Created', 'Duplicate', 'Invalid'];

const SETUP_TIMEOUT = 15 * 60 * 1000; // covers a first-time host install
const UI_WAIT = 60 * 1000; // any single wait in the browser

const tarball = usePackedPackage(SETUP_TIMEOUT);

describe.each(['1', '2'])('n8n %s.x editor', (major) => {
	let work;
	let sandbox;
	let n8n;
	let browser;

	beforeAll(async () => {
		if (!fs.existsSync(CHROMIUM)) {
			throw new Error(
				`No chromium at ${CHROMIUM}. The editor test drives Debian's chromium: install it with ` +
					'`apt-get update && apt-get install -y chromium` (or point CHROMIUM_PATH at another Chromium).',
			);
		}
		await host.ensureHost(major);
		work = fs.mkdtempSync(path.join(os.tmpdir(), 'flowiq-editor-e2e-'));
		sandbox = await startSandbox({ quiet: true });
		const userFolder = path.join(work, 'user');
		await dev.prepareUserFolder({ major, userFolder, tarball: tarball(), sandboxUrl: sandbox.url });
		n8n = await dev.startN8n({ major, userFolder, port: await dev.freePort() });
		const { created } = await dev.setupOwner(n8n.url, dev.DEV_OWNER);
		expect(created).toBe(true);
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await browser?.close();
		await n8n?.stop();
		await sandbox?.close();
		if (work) fs.rmSync(work, { recursive: true, force: true });
	}, 60 * 1000);

	it(
		'shows the FlowIQ node with the outputs of its operation: Created, Duplicate and Invalid; Found and Not Found',
		async () => {
			const { chromium } = require('playwright-core');
			browser = await chromium.launchPersistentContext(path.join(work, 'chromium-profile'), {
				executablePath: CHROMIUM,
				headless: true,
				args: CHROMIUM_ARGS,
				viewport: { width: 1400, height: 800 },
				timeout: UI_WAIT,
			});
			browser.setDefaultTimeout(UI_WAIT);
			// Only the local n8n: the editor's calls to n8n's cloud (banners, templates) fail fast.
			await browser.route(
				(url) => url.hostname !== '127.0.0.1',
				(route) => route.abort(),
			);
			const page = browser.pages()[0] ?? (await browser.newPage());

			await page.goto(`${n8n.url}/signin`);
			await page.locator('input[name="emailOrLdapLoginId"]').fill(dev.DEV_OWNER.email);
			await page.locator('input[name="password"]').fill(dev.DEV_OWNER.password);
			await page.getByRole('button', { name: 'Sign in' }).click();
			await page.waitForURL((url) => !url.pathname.startsWith('/signin'));

			await page.goto(`${n8n.url}/workflow/flowiqExampleLeads`);
			const node = page.locator('[data-test-id="canvas-node"][data-node-name="FlowIQ"]');
			await node.waitFor({ state: 'visible' });
			expect(await node.getAttribute('data-node-type')).toBe('n8n-nodes-flowiq.flowIq');
			await page.getByText('Loading', { exact: true }).waitFor({ state: 'hidden' });

			// One output handle per outcome, in order, each with its label drawn on the canvas.
			const outputs = page.locator('[data-test-id="canvas-node-output-handle"][data-node-name="FlowIQ"]');
			await expectCount(outputs, OUTPUT_LABELS.length);
			for (const [index, label] of OUTPUT_LABELS.entries()) {
				const handle = outputs.nth(index);
				expect(await handle.getAttribute('data-index')).toBe(String(index));
				const text = handle.getByText(label, { exact: true });
				await text.waitFor({ state: 'visible' });
				expect(await text.isVisible()).toBe(true);
			}

			// The package's icon is served from the installed package and actually renders.
			const icon = node.locator('img');
			await icon.waitFor({ state: 'visible' });
			expect(await icon.getAttribute('src')).toBe('/icons/n8n-nodes-flowiq/dist/nodes/FlowIq/flowIq.svg');
			expect(await icon.evaluate((img) => img.complete && img.naturalWidth > 0)).toBe(true);

			// The downstream nodes the example connects to each output are drawn too.
			for (const name of ['New contacts', 'Already in FlowIQ', 'Needs fixing']) {
				await page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).waitFor({ state: 'visible' });
			}

			const picture = major === SCREENSHOT_MAJOR ? SCREENSHOT : path.join(work, 'editor.png');
			fs.mkdirSync(path.dirname(picture), { recursive: true });
			await page.screenshot({ path: picture });
			expect(fs.statSync(picture).size).toBeGreaterThan(10000);

			// Outputs follow the operation: Contact → Get draws Found and Not Found, Get Messages one output.
			await page.goto(`${n8n.url}/workflow/flowiqExampleConversation`);
			const outputsOf = (name) => page.locator(`[data-test-id="canvas-node-output-handle"][data-node-name="${name}"]`);
			await page.locator('[data-test-id="canvas-node"][data-node-name="Find contact"]').waitFor({ state: 'visible' });
			await expectCount(outputsOf('Find contact'), 2);
			for (const [index, label] of ['Found', 'Not Found'].entries()) {
				await outputsOf('Find contact').nth(index).getByText(label, { exact: true }).waitFor({ state: 'visible' });
			}
			await expectCount(outputsOf('Recent messages'), 1);
		},
		3 * 60 * 1000,
	);
});

/** Polls until `locator` matches exactly `count` elements (bounded by UI_WAIT). */
async function expectCount(locator, count) {
	const deadline = Date.now() + UI_WAIT;
	let seen = await locator.count();
	while (seen !== count && Date.now() < deadline) {
		await new Promise((resolve) => setTimeout(resolve, 250));
		seen = await locator.count();
	}
	expect(seen).toBe(count);
}
