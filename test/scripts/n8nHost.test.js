'use strict';
// How scripts/n8n-host.js decides whether a cached n8n host works, and the environment it gives
// the npm and n8n processes it starts. The real installs are exercised from an empty cache by
// every CI run (.ci/run); these tests pin each check's verdict on hosts broken in known ways.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'flowiq-host-cache-'));
// n8n-host reads the variable once, when loaded. Put it back at once: jest runs later test files
// in this same process, and the end-to-end ones must find the real hosts.
const realCache = process.env.FLOWIQ_N8N_CACHE;
process.env.FLOWIQ_N8N_CACHE = cache;
const host = require('../../scripts/n8n-host');
if (realCache === undefined) delete process.env.FLOWIQ_N8N_CACHE;
else process.env.FLOWIQ_N8N_CACHE = realCache;

afterAll(() => fs.rmSync(cache, { recursive: true, force: true }));

const { n8nVersion } = host.HOSTS['1'];
const hostDir = path.join(cache, `n8n-${n8nVersion}`);

function write(relative, content) {
	const file = path.join(hostDir, relative);
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, content);
}

/** A stand-in sqlite3 module: `opens` says whether it can open a database. */
function sqlite3Module(opens) {
	return opens
		? "exports.Database = class { get(sql, done) { done(null, { v: '3.45.0' }); } };"
		: "throw new Error('Could not locate the bindings file. Tried: build/node_sqlite3.node');";
}

describe('a host is checked, not trusted', () => {
	beforeEach(() => fs.rmSync(hostDir, { recursive: true, force: true }));

	test('an empty cache has no n8n', () => {
		expect(host.hostProblem('1')).toBe('has no n8n installed');
	});

	test('another n8n version than the pinned one does not count', () => {
		write('node_modules/n8n/package.json', JSON.stringify({ version: '1.0.0' }));
		expect(host.hostProblem('1')).toBe(`holds n8n 1.0.0, not ${n8nVersion}`);
	});

	test('an unbuilt SQLite driver (what install scripts switched off left behind) is broken, whatever the old marker says', () => {
		write('node_modules/n8n/package.json', JSON.stringify({ version: n8nVersion }));
		write('node_modules/sqlite3/index.js', sqlite3Module(false));
		write('.installed', '2026-11-20T10:00:00.000Z');
		expect(host.hostProblem('1')).toBe(
			'has a SQLite driver that cannot open a database (Error: Could not locate the bindings file. Tried: build/node_sqlite3.node)',
		);
	});

	test('a host whose n8n never opened its database (an interrupted install) is not trusted', () => {
		write('node_modules/n8n/package.json', JSON.stringify({ version: n8nVersion }));
		write('node_modules/sqlite3/index.js', sqlite3Module(true));
		expect(host.hostProblem('1')).toMatch(/^was never seen to open its database/);
	});

	test('a host proven for another n8n version is not trusted', () => {
		write('node_modules/n8n/package.json', JSON.stringify({ version: n8nVersion }));
		write('node_modules/sqlite3/index.js', sqlite3Module(true));
		write('.proven.json', JSON.stringify({ n8nVersion: '1.0.0' }));
		expect(host.hostProblem('1')).toBe('was proven for n8n 1.0.0, not ' + n8nVersion);
	});

	test('a host whose driver opens a database and whose n8n once did works', () => {
		write('node_modules/n8n/package.json', JSON.stringify({ version: n8nVersion }));
		write('node_modules/sqlite3/index.js', sqlite3Module(true));
		write('.proven.json', JSON.stringify({ n8nVersion }));
		expect(host.hostProblem('1')).toBeNull();
	});

	test('an n8n 2.x host needs its own Node binary, and says where it looked', () => {
		const { nodeVersion } = host.HOSTS['2'];
		expect(host.hostProblem('2')).toBe(
			`has no Node ${nodeVersion} binary at ${path.join(cache, `node-${nodeVersion}`, 'node_modules', 'node', 'node_modules', `node-linux-${process.arch}`, 'bin', 'node')}`,
		);
	});
});

describe('child processes get an environment of their own', () => {
	const asNpmRunExportsIt = {
		PATH: '/usr/bin',
		HOME: '/home/someone',
		npm_config_ignore_scripts: 'true',
		npm_config_omit: 'dev',
		npm_config_nodedir: '/somewhere/else',
		npm_config_registry: 'https://registry.example/',
		npm_config_cache: '/tmp/npm-cache',
		NPM_CONFIG_IGNORE_SCRIPTS: 'true',
		npm_package_name: 'n8n-nodes-flowiq',
		npm_lifecycle_event: 'test:all',
	};

	test('keeps where the registry is and how to reach it, and drops every setting that changes what an install does', () => {
		expect(host.withoutNpmRunSettings(asNpmRunExportsIt)).toEqual({
			PATH: '/usr/bin',
			HOME: '/home/someone',
			npm_config_registry: 'https://registry.example/',
			npm_config_cache: '/tmp/npm-cache',
		});
	});

	test("a host's environment builds addons against its own Node's headers, found beside the binary", () => {
		const saved = { ...process.env };
		Object.assign(process.env, asNpmRunExportsIt, { PATH: saved.PATH, NODE_ENV: 'test' });
		try {
			const env = host.hostEnv('1');
			expect(env.npm_config_ignore_scripts).toBeUndefined();
			expect(env.NPM_CONFIG_IGNORE_SCRIPTS).toBeUndefined();
			expect(env.NODE_ENV).toBeUndefined();
			expect(env.PATH.split(path.delimiter)[0]).toBe(path.dirname(process.execPath));
			const headers = path.resolve(path.dirname(process.execPath), '..');
			if (fs.existsSync(path.join(headers, 'include', 'node', 'node.h'))) expect(env.npm_config_nodedir).toBe(headers);
			else expect(env.npm_config_nodedir).toBeUndefined();
		} finally {
			for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
			Object.assign(process.env, saved);
		}
	});
});
