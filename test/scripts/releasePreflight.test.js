// The release preflight (scripts/release-preflight.js): what it refuses, and that `npm run
// release:check` refuses this checkout until the publisher fills in package.json.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { preflightProblems } = require('../../scripts/release-preflight');

const root = path.resolve(__dirname, '..', '..');
const script = path.join(root, 'scripts', 'release-preflight.js');
const REPOSITORY = 'https://github.com/example-owner/n8n-nodes-flowiq';
const GITHUB_RUN = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'example-owner/n8n-nodes-flowiq' };
const FILLED = {
	name: 'n8n-nodes-flowiq',
	version: '1.0.0',
	author: { name: 'Ada Example', email: 'ada@example.com' },
	homepage: `${REPOSITORY}#readme`,
	repository: { type: 'git', url: `git+${REPOSITORY}.git` },
	bugs: { url: `${REPOSITORY}/issues` },
	n8n: { n8nNodesApiVersion: 1 },
};

/** The fields the problems are about, each problem's text up to its first colon. */
const fieldsOf = (problems) => problems.map((problem) => problem.split(':')[0]);

test('a package.json that names the repository of the run and its author is ready', () => {
	expect(preflightProblems(FILLED, GITHUB_RUN)).toEqual([]);
});

test.each([
	['the forms npm writes', { repository: `${REPOSITORY}.git`, homepage: REPOSITORY, bugs: `${REPOSITORY}/issues/`, author: 'Ada Example <ada@example.com>' }],
	['another letter case', { repository: { type: 'git', url: REPOSITORY.toUpperCase() }, homepage: `${REPOSITORY}/blob/main/README.md` }],
])('accepts %s', (_case, fields) => {
	expect(preflightProblems({ ...FILLED, ...fields }, GITHUB_RUN)).toEqual([]);
});

test.each([
	['repository', { repository: undefined }],
	['repository', { repository: { type: 'git', url: 'git+https://github.com/someone-else/n8n-nodes-flowiq.git' } }],
	['homepage', { homepage: undefined }],
	['homepage', { homepage: 'https://example.com' }],
	['homepage', { homepage: `${REPOSITORY}-fork` }],
	['bugs', { bugs: undefined }],
	['bugs', { bugs: { url: `${REPOSITORY}/pulls` } }],
	['author', { author: { name: 'Ada Example' } }],
	['author', { author: { email: 'ada@example.com' } }],
	['author', { author: 'Ada Example <not an email>' }],
	['author', { author: 'n8n-nodes-flowiq contributors' }],
	['n8n.n8nNodesApiVersion', { n8n: { n8nNodesApiVersion: 2 } }],
	['n8n.n8nNodesApiVersion', { n8n: { n8nNodesApiVersion: '1' } }],
])('names %s when it is wrong: %p', (field, fields) => {
	const problems = preflightProblems({ ...FILLED, ...fields }, GITHUB_RUN);
	expect(fieldsOf(problems)).toEqual([field]);
	expect(problems[0]).toMatch(/set|must|not an email/);
});

test('outside the release workflow it asks for the run’s repository', () => {
	expect(fieldsOf(preflightProblems(FILLED, {}))).toEqual(['GITHUB_SERVER_URL, GITHUB_REPOSITORY']);
});

test('npm run release:check refuses this checkout, naming each field the publisher fills in', () => {
	const run = spawnSync(process.execPath, [script], { cwd: root, env: { ...process.env, ...GITHUB_RUN }, encoding: 'utf8' });
	expect(run.status).toBe(1);
	expect(fieldsOf(run.stderr.split('\n').slice(1).map((line) => line.trim()).filter(Boolean))).toEqual([
		'repository',
		'homepage',
		'bugs',
		'author',
	]);
});

test('npm run release:check passes a filled package.json', () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowiq-preflight-'));
	try {
		const manifest = { ...JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')), ...FILLED, version: '0.1.0' };
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
		const output = execFileSync(process.execPath, [script], { cwd: dir, env: { ...process.env, ...GITHUB_RUN }, encoding: 'utf8' });
		expect(output).toMatch(/ready to publish/);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
