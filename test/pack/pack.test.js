// What `npm pack` ships is what the Community Nodes installer unpacks. A node or icon at a path
// other than the one package.json's "n8n" section names installs fine but never shows in the
// node panel, so check the tarball itself.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const { builtinModules } = require('node:module');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const manifest = require(path.join(root, 'package.json'));
const { packPackage } = require('../../scripts/n8n-host');
const { expectCorpusCleanedBy } = require('../reliability/corpusCleaning');

let workDir;
let files;
let tarballPath;

beforeAll(async () => {
	// Unpacked below the project so the built files resolve n8n-workflow, their peer dependency.
	const cache = path.join(root, 'node_modules', '.cache');
	fs.mkdirSync(cache, { recursive: true });
	workDir = fs.mkdtempSync(path.join(cache, 'flowiq-pack-'));
	tarballPath = await packPackage(workDir);
	execFileSync('tar', ['-xzf', tarballPath, '-C', workDir]);
	files = execFileSync('tar', ['-tzf', tarballPath], { encoding: 'utf8' })
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

test('is not changed by a type check after the build: tsc keeps its incremental state outside dist/', () => {
	// A publisher who runs `npm run typecheck` between the build and a hand `npm publish` ships dist/ as it is.
	execFileSync('npx', ['tsc', '--noEmit'], { cwd: root, stdio: 'pipe' });
	const dist = path.join(root, 'dist');
	const distFiles = fs.existsSync(dist) ? fs.readdirSync(dist, { recursive: true }) : [];
	expect(distFiles.filter((file) => String(file).endsWith('.tsbuildinfo'))).toEqual([]);
}, 120000);

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
			// A light and a dark variant, so the icon reads on both of the editor's themes.
			expect(Object.keys(icon)).toEqual(['light', 'dark']);
			for (const variant of Object.values(icon)) {
				expect(variant).toMatch(/^file:.+\.svg$/);
				const iconPath = path.join(path.dirname(unpacked(file)), variant.slice('file:'.length));
				expect(fs.existsSync(iconPath)).toBe(true);
			}
		}
	}
	for (const file of manifest.n8n.nodes) {
		expect(files).toContain(file.replace(/\.js$/, '.json'));
	}
});

test('declares what the Community Nodes screen needs, and no runtime dependencies', () => {
	const packed = JSON.parse(fs.readFileSync(unpacked('package.json'), 'utf8'));
	expect(packed.name).toBe('n8n-nodes-flowiq');
	expect(packed.keywords).toContain('n8n-community-node-package');
	expect(packed.license).toBe('MIT');
	expect(packed.dependencies).toBeUndefined();
	expect(Object.keys(packed.peerDependencies)).toEqual(['n8n-workflow']);
});

test('requires nothing from outside the package but n8n-workflow and Node itself', () => {
	const outside = new Set();
	for (const file of files.filter((name) => name.endsWith('.js'))) {
		const code = fs.readFileSync(unpacked(file), 'utf8');
		for (const [, specifier] of code.matchAll(/require\(["']([^"']+)["']\)/g)) {
			const fromNode = specifier.startsWith('node:') || builtinModules.includes(specifier);
			if (!specifier.startsWith('.') && !fromNode && specifier !== 'n8n-workflow') outside.add(`${file}: ${specifier}`);
		}
	}
	expect([...outside]).toEqual([]);
});

test('carries libphonenumber-js inside: the packed cleaning, where no node_modules is in reach, passes the bad-input corpus', () => {
	const isolated = fs.mkdtempSync(path.join(os.tmpdir(), 'flowiq-packed-cleaning-'));
	try {
		fs.cpSync(unpacked('dist'), isolated, { recursive: true });
		const { cleanContact } = require(path.join(isolated, 'nodes', 'FlowIq', 'helpers', 'contactInput.js'));
		expect(cleanContact({ name: 'Jane', phoneNumber: '082 123 4567' }, 'ZA')).toEqual({
			ok: true,
			value: { name: 'Jane', phone_number: '+27821234567' },
		});
		expectCorpusCleanedBy(cleanContact);
	} finally {
		fs.rmSync(isolated, { recursive: true, force: true });
	}
});

test('stays small', () => {
	expect(fs.statSync(tarballPath).size).toBeLessThan(300 * 1024);
});

test('declares n8n-workflow an optional peer, so a plain npm install in ~/.n8n/nodes does not fetch and build it', () => {
	// n8n provides n8n-workflow to the packages it loads; a required peer made npm install the
	// newest n8n-workflow beside the package, whose native dependency fails to build.
	expect(manifest.peerDependenciesMeta).toEqual({ 'n8n-workflow': { optional: true } });
});
