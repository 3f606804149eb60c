'use strict';
// The machine-wide lock that packs and host installs take (scripts/lock.js).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { withLock } = require('../../scripts/lock');

let dir;
let lockFile;
beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowiq-lock-test-'));
	lockFile = path.join(dir, 'work.lock');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The PID of a process that has already exited. */
function exitedPid() {
	return spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim();
}

test('runs holders one after the other, never side by side, and removes the lock afterwards', async () => {
	const events = [];
	const holder = (name) =>
		withLock(lockFile, { waitMs: 5000, what: name }, async () => {
			events.push(`${name} start`);
			expect(fs.readFileSync(lockFile, 'utf8')).toBe(String(process.pid));
			await sleep(100);
			events.push(`${name} end`);
			return name;
		});
	await expect(Promise.all([holder('a'), holder('b')])).resolves.toEqual(['a', 'b']);
	expect(events).toEqual(['a start', 'a end', 'b start', 'b end']);
	expect(fs.existsSync(lockFile)).toBe(false);
});

test('releases the lock when the task throws', async () => {
	await expect(
		withLock(lockFile, { waitMs: 1000, what: 'a failing task' }, () => {
			throw new Error('boom');
		}),
	).rejects.toThrow('boom');
	expect(fs.existsSync(lockFile)).toBe(false);
});

test('takes over a lock left by a process that has exited', async () => {
	fs.writeFileSync(lockFile, exitedPid());
	await expect(withLock(lockFile, { waitMs: 1000, what: 'a task' }, () => 'ran')).resolves.toBe('ran');
});

test('waits for a live holder, then says which process holds the lock', async () => {
	fs.writeFileSync(lockFile, String(process.ppid));
	const started = Date.now();
	await expect(withLock(lockFile, { waitMs: 600, what: 'the other install' }, () => 'ran')).rejects.toThrow(
		`Waited 1 s for the other install: ${lockFile} is held by PID ${process.ppid}.`,
	);
	expect(Date.now() - started).toBeGreaterThanOrEqual(600);
	expect(fs.readFileSync(lockFile, 'utf8')).toBe(String(process.ppid));
});

test('treats a lock without a PID as held while it is fresh, and as abandoned once it is old', async () => {
	fs.writeFileSync(lockFile, '');
	await expect(withLock(lockFile, { waitMs: 300, what: 'a task' }, () => 'ran')).rejects.toThrow('Waited');
	const old = new Date(Date.now() - 60 * 1000);
	fs.utimesSync(lockFile, old, old);
	await expect(withLock(lockFile, { waitMs: 300, what: 'a task' }, () => 'ran')).resolves.toBe('ran');
});
