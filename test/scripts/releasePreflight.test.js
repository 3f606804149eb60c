// The release preflight (scripts/release-preflight.js): what it refuses, and that `npm run
// release:check` refuses a package.json until the publisher has filled it in.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { preflightProblems } = require('../../scripts/release-preflight');
const { SAMPLE_IDENTITY, SAMPLE_REPOSITORY: REPOSITORY } = require('../sampleIdentity');

const root = path.resolve(__dirname, '..', '..');
const script = path.join(root, 'scripts', 'release-preflight.js');
const GITHUB_RUN = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: new URL(REPOSITORY).pathname.slice(1) };
const FILLED = { name: 'n8n-nodes-flowiq', version: '1.0.0', ...SAMPLE_IDENTITY, n8n: { n8nNodesApiVersion: 1 } };

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

test('a tag run publishes only the version its tag names', () => {
	const tagRun = (tag) => ({ ...GITHUB_RUN, GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: tag });
	expect(preflightProblems(FILLED, tagRun('v1.0.0'))).toEqual([]);
	for (const tag of ['v1.0.1', '1.0.0', 'v1.0.0-rc.1']) {
		const problems = preflightProblems(FILLED, tagRun(tag));
		expect(fieldsOf(problems)).toEqual(['version']);
		expect(problems[0]).toContain(`the tag ${tag}; set "version" to match the tag, or push the tag v1.0.0`);
	}
	// A run that is not for a tag (a branch, or a check by hand) has no tag to match.
	expect(preflightProblems(FILLED, { ...GITHUB_RUN, GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'main' })).toEqual([]);
});

test('in GitHub Actions it refuses an npm too old for trusted publishing', () => {
	const run = (npm, env = { GITHUB_ACTIONS: 'true' }) =>
		fieldsOf(preflightProblems(FILLED, { ...GITHUB_RUN, ...env, npm_config_user_agent: `npm/${npm} node/v24.11.0 linux x64 workspaces/false` }));
	expect(run('10.9.4')).toEqual(['npm']);
	expect(run('11.5.0')).toEqual(['npm']);
	expect(run('11.5.1')).toEqual([]);
	expect(run('11.10.0')).toEqual([]);
	expect(run('12.0.0')).toEqual([]);
	// A check by hand, before a first publish by hand, needs no trusted publishing.
	expect(run('10.9.4', {})).toEqual([]);
});

test('outside the release workflow it asks for the run’s repository', () => {
	expect(fieldsOf(preflightProblems(FILLED, {}))).toEqual(['GITHUB_SERVER_URL, GITHUB_REPOSITORY']);
});

/**
 * Runs `npm run release:check`'s script, as the release workflow does, on this project's
 * package.json with `fields` set over it (undefined deletes one), in a folder of its own.
 */
function releaseCheck(fields, env = GITHUB_RUN) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowiq-preflight-'));
	try {
		const manifest = { ...JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')), ...fields };
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
		// Nothing of a real GitHub run (this suite also runs in the release workflow) reaches the script.
		const outsideGitHub = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('GITHUB_')));
		return spawnSync(process.execPath, [script], { cwd: dir, env: { ...outsideGitHub, ...env }, encoding: 'utf8' });
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

test('npm run release:check refuses a package.json without its publisher, naming each field to fill in', () => {
	const run = releaseCheck({ author: undefined, homepage: undefined, repository: undefined, bugs: undefined });
	expect(run.status).toBe(1);
	expect(fieldsOf(run.stderr.split('\n').slice(1).map((line) => line.trim()).filter(Boolean))).toEqual([
		'repository',
		'homepage',
		'bugs',
		'author',
	]);
});

test('npm run release:check passes a filled package.json', () => {
	const run = releaseCheck({ ...FILLED, version: '0.1.0' });
	expect(run.stderr).toBe('');
	expect(run.status).toBe(0);
	expect(run.stdout).toMatch(/ready to publish/);
});
