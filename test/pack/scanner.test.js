// n8n's community package scanner (@n8n/scan-community-package, its own rule set, inline disables
// ignored) on what n8n would scan: the source at the published commit and the packed tarball. It
// reads the publisher's identity from package.json, which only the publisher fills in (README,
// Publishing), so the clean runs use a copy with a sample identity; the checkout itself may miss
// only that.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const { packPackage } = require('../../scripts/n8n-host');

const { SAMPLE_IDENTITY } = require('../sampleIdentity');

// Written out, not imported from scripts/scan.mjs: the test holds the script's exemption to these two.
const IDENTITY_RULES = ['@n8n/community-nodes/valid-author', '@n8n/community-nodes/require-homepage'];

/**
 * The scanner's findings on `dir`, as scripts/scan.mjs reports them: { file, line, rule, severity,
 * message }. Without jest's NODE_ENV=test, which makes the n8n-nodes-base rules read every file
 * name as "Test.node.ts" (their own test mode).
 */
function scan(kind, dir) {
	const env = { ...process.env };
	delete env.NODE_ENV;
	const output = execFileSync(process.execPath, [path.join(root, 'scripts', 'scan.mjs'), kind, dir, '--json'], { encoding: 'utf8', env });
	return JSON.parse(output);
}

function withSampleIdentity(manifestPath) {
	const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
	fs.writeFileSync(manifestPath, JSON.stringify({ ...manifest, ...SAMPLE_IDENTITY }, null, 2));
}

let workDir;
let sourceCopy;
let unpacked;

beforeAll(async () => {
	// Below the project, so the copies resolve the scanner's parser and n8n-workflow as the source does.
	const cache = path.join(root, 'node_modules', '.cache');
	fs.mkdirSync(cache, { recursive: true });
	workDir = fs.mkdtempSync(path.join(cache, 'flowiq-scan-'));

	sourceCopy = path.join(workDir, 'source');
	for (const entry of ['package.json', 'nodes', 'credentials']) {
		fs.cpSync(path.join(root, entry), path.join(sourceCopy, entry), { recursive: true });
	}
	withSampleIdentity(path.join(sourceCopy, 'package.json'));

	const tarball = await packPackage(workDir);
	execFileSync('tar', ['-xzf', tarball, '-C', workDir]);
	unpacked = path.join(workDir, 'package');
	withSampleIdentity(path.join(unpacked, 'package.json'));
}, 180000);

afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

test('the source, with a publisher’s identity, has no finding at all', () => {
	expect(scan('--source', sourceCopy)).toEqual([]);
});

test('the packed tarball, with a publisher’s identity, has no finding at all', () => {
	expect(scan('--package', unpacked)).toEqual([]);
});

test('without the publisher’s identity, the source misses only that', () => {
	const unfilled = path.join(workDir, 'unfilled');
	fs.cpSync(sourceCopy, unfilled, { recursive: true });
	const manifestPath = path.join(unfilled, 'package.json');
	const { author, homepage, repository, bugs, ...anonymous } = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
	fs.writeFileSync(manifestPath, JSON.stringify({ ...anonymous, author: { name: author.name } }, null, 2));
	expect([...new Set(scan('--source', unfilled).map((finding) => finding.rule))].sort()).toEqual([...IDENTITY_RULES].sort());
});

test('the checkout as it is misses at most the publisher’s identity, which only the publisher fills in', () => {
	expect(scan('--source', root).filter((finding) => !IDENTITY_RULES.includes(finding.rule))).toEqual([]);
});

test('the scanner really lints: a rule it enforces is found when broken', () => {
	const broken = path.join(workDir, 'broken');
	fs.cpSync(sourceCopy, broken, { recursive: true });
	const transport = path.join(broken, 'nodes', 'FlowIq', 'transport', 'index.ts');
	// An inline disable too: the scanner ignores them, so must this run.
	fs.appendFileSync(transport, '\n// eslint-disable-next-line\nsetTimeout(() => undefined, 1);\n');
	expect(scan('--source', broken)).toEqual([
		expect.objectContaining({ file: 'nodes/FlowIq/transport/index.ts', rule: '@n8n/community-nodes/no-restricted-globals', severity: 'error' }),
	]);
});

test('no inline eslint-disable anywhere in the shipped source, no timer or legacy request in the build', () => {
	const sources = execFileSync('git', ['ls-files', 'nodes', 'credentials'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
	const disabled = sources.filter((file) => /eslint-disable/.test(fs.readFileSync(path.join(root, file), 'utf8')));
	expect(disabled).toEqual([]);

	const built = execFileSync('find', [path.join(unpacked, 'dist'), '-name', '*.js'], { encoding: 'utf8' }).split('\n').filter(Boolean);
	const restricted = built.filter((file) => /\b(setTimeout|clearTimeout)\(|helpers\.request\b/.test(fs.readFileSync(file, 'utf8')));
	expect(restricted).toEqual([]);
});

test('declares n8n node API version 1, the one n8n 2.41 accepts', () => {
	expect(JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8')).n8n.n8nNodesApiVersion).toBe(1);
});
