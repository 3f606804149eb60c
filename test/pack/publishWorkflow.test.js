// The release workflow (.github/workflows/publish.yml) has the shape npm trusted publishing and
// n8n's provenance check need, and what it publishes is what `npm publish` would send.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const workflow = fs.readFileSync(path.join(root, '.github', 'workflows', 'publish.yml'), 'utf8');
const manifest = require(path.join(root, 'package.json'));
const { packPackage } = require('../../scripts/n8n-host');

/** The lines of the top-level block `key:`, until the next top-level key. */
function block(key) {
	const lines = workflow.split('\n');
	const start = lines.indexOf(`${key}:`);
	expect(start).toBeGreaterThanOrEqual(0);
	const rest = lines.slice(start + 1);
	const end = rest.findIndex((line) => /^\S/.test(line));
	return rest.slice(0, end === -1 ? undefined : end).filter((line) => line.trim() && !line.trim().startsWith('#'));
}

test('runs on version tags only', () => {
	expect(block('on').map((line) => line.trim())).toEqual(['push:', 'tags:', "- 'v*.*.*'"]);
});

test('may read the repository and mint an identity token, nothing more', () => {
	expect(block('permissions').map((line) => line.trim()).sort()).toEqual(['contents: read', 'id-token: write']);
});

test('checks, builds, runs the preflight, then publishes with provenance, in that order', () => {
	const runs = block('jobs')
		.map((line) => /^\s+- run: (.+)$/.exec(line)?.[1])
		.filter(Boolean);
	expect(runs).toEqual([
		'npm ci',
		'npm run lint',
		'npm run typecheck',
		'npm test -- --selectProjects suites --testPathIgnorePatterns /e2e/',
		'npm run build',
		'npm run release:check',
		'npm publish --provenance --access public',
	]);
	for (const run of runs) {
		const script = /^npm run (\S+)/.exec(run)?.[1];
		if (script) expect(manifest.scripts).toHaveProperty([script]);
	}
});

test('stores no token: trusted publishing needs none', () => {
	expect(workflow).not.toMatch(/NODE_AUTH_TOKEN|NPM_TOKEN|secrets\./);
});

test('npm publish --dry-run sends the packed files and nothing else', async () => {
	const home = fs.mkdtempSync(path.join(os.tmpdir(), 'flowiq-publish-home-'));
	try {
		// Builds dist/ as the workflow does before it publishes.
		await packPackage(path.join(home, 'pack'));
		const run = spawnSync('npm', ['publish', '--dry-run', '--json', '--ignore-scripts'], {
			cwd: root,
			env: {
				...process.env,
				HOME: home,
				npm_config_cache: path.join(home, 'npm-cache'),
				npm_config_offline: 'true',
				npm_config_update_notifier: 'false',
			},
			encoding: 'utf8',
		});
		expect(run.status).toBe(0);
		// npm warns of nothing but the login a real publish needs (the workflow's trusted publisher).
		const warnings = run.stderr.split('\n').filter((line) => line.startsWith('npm warn'));
		expect(warnings).toEqual([expect.stringMatching(/^npm warn publish This command requires you to be logged in to .* \(dry-run\)$/)]);
		const published = JSON.parse(run.stdout)[manifest.name];
		expect(published).toMatchObject({ name: manifest.name, version: manifest.version });
		const files = published.files.map((file) => file.path);
		expect(files.filter((file) => !file.startsWith('dist/')).sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
	} finally {
		fs.rmSync(home, { recursive: true, force: true });
	}
}, 180000);
