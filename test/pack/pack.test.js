// What `npm pack` ships is what the Community Nodes installer unpacks. A node or icon at a path
// other than the one package.json's "n8n" section names installs fine but never shows in the
// node panel, so check the tarball itself.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const manifest = require(path.join(root, 'package.json'));
const { packPackage } = require('../../scripts/n8n-host');

let workDir;
let files;

beforeAll(async () => {
	// Unpacked below the project so the built files resolve n8n-workflow, their peer dependency.
	const cache = path.join(root, 'node_modules', '.cache');
	fs.mkdirSync(cache, { recursive: true });
	workDir = fs.mkdtempSync(path.join(cache, 'flowiq-pack-'));
	const tarball = await packPackage(workDir);
	execFileSync('tar', ['-xzf', tarball, '-C', workDir]);
	files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
		.split('\n')
		.filter((entry) => entry && !entry.endsWith('/'))
		.map((entry) => entry.replace(/^package\//, ''))
		.sort();
}, 120000);

afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

const unpacked = (file) => path.join(workDir, 'package', file);

test('holds only dist/, the README, the licence and package.json', () => {
	const outsideDist = files.filter((file) => !file.startsWith('dist/'));
	expect(outsideDist).toEqual(['LICENSE', 'README.md', 'package.json']);
	expect(files.filter((file) => /\.(ts|map)$|test|sandbox/.test(file))).toEqual([]);
});

test('holds the node and the credential at the paths the n8n section names', () => {
	expect(manifest.n8n.n8nNodesApiVersion).toBe(1);
	for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials, manifest.main]) {
		expect(files).toContain(file);
	}
});

test('holds every icon and codex file where n8n looks for them, next to the class that names them', () => {
	for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
		const exported = require(unpacked(file));
		for (const Type of Object.values(exported)) {
			const instance = new Type();
			const icon = instance.description?.icon ?? instance.icon;
			expect(icon).toMatch(/^file:/);
			const iconPath = path.join(path.dirname(unpacked(file)), icon.slice('file:'.length));
			expect(fs.existsSync(iconPath)).toBe(true);
		}
	}
	for (const file of manifest.n8n.nodes) {
		expect(files).toContain(file.replace(/\.js$/, '.json'));
	}
});

test('declares what the Community Nodes screen needs', () => {
	expect(manifest.name).toBe('n8n-nodes-flowiq');
	expect(manifest.keywords).toContain('n8n-community-node-package');
	expect(manifest.license).toBe('MIT');
	expect(Object.keys(manifest.dependencies)).toEqual(['libphonenumber-js']);
	expect(Object.keys(manifest.peerDependencies)).toEqual(['n8n-workflow']);
});

test('declares n8n-workflow an optional peer, so a plain npm install in ~/.n8n/nodes does not fetch and build it', () => {
	// n8n provides n8n-workflow to the packages it loads; a required peer made npm install the
	// newest n8n-workflow beside the package, whose native dependency fails to build.
	expect(manifest.peerDependenciesMeta).toEqual({ 'n8n-workflow': { optional: true } });
});
