'use strict';
// A lock shared by every process on this machine (parallel jest workers, a test beside
// `npm run dev`, two terminals): a file created atomically that holds its owner's PID. A lock whose
// owner has exited is taken over, so a run killed halfway never blocks the next one.
const fs = require('node:fs');

const POLL_MS = 250;
// A lock file is empty only between its creation and the write of the PID right after it.
const UNWRITTEN_GRACE_MS = 10 * 1000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The PID holding `lockFile`, or null when nobody holds it any more. */
function liveOwner(lockFile) {
	let content;
	let age;
	try {
		content = fs.readFileSync(lockFile, 'utf8');
		age = Date.now() - fs.statSync(lockFile).mtimeMs;
	} catch (error) {
		if (error.code === 'ENOENT') return null;
		throw error;
	}
	const pid = Number(content);
	if (!Number.isInteger(pid) || pid <= 0) return age < UNWRITTEN_GRACE_MS ? 'unknown' : null;
	try {
		process.kill(pid, 0);
		return pid;
	} catch (error) {
		return error.code === 'EPERM' ? pid : null; // EPERM: alive, owned by another user
	}
}

function tryTake(lockFile) {
	try {
		fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
		return true;
	} catch (error) {
		if (error.code !== 'EEXIST') throw error;
	}
	if (liveOwner(lockFile) === null) fs.rmSync(lockFile, { force: true });
	return false;
}

/**
 * Runs `task` while holding `lockFile`; waits up to `waitMs` for another holder to finish.
 * `what` names the guarded work in the error a too-long wait throws.
 */
async function withLock(lockFile, { waitMs, what }, task) {
	const deadline = Date.now() + waitMs;
	while (!tryTake(lockFile)) {
		if (Date.now() > deadline) {
			throw new Error(
				`Waited ${Math.round(waitMs / 1000)} s for ${what}: ${lockFile} is held by PID ${liveOwner(lockFile)}. ` +
					'Let that process finish, or end it, and try again.',
			);
		}
		await sleep(POLL_MS);
	}
	try {
		return await task();
	} finally {
		fs.rmSync(lockFile, { force: true });
	}
}

module.exports = { withLock };
