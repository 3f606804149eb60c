'use strict';
/**
 * A proxy on 127.0.0.1 that forwards nothing. Pointing HTTP(S)_PROXY at it makes every call a
 * program sends through a proxy fail at once (instead of waiting on a network this machine may not
 * have), and lets a test see where those calls were going: each attempt is recorded with its
 * destination, answered 502 and closed.
 */
const net = require('node:net');

const LOOPBACK = '127.0.0.1';
const MAX_HEAD_BYTES = 16 * 1024;
const IDLE_MS = 5000;
const MAX_RECORDED = 1000;

/** Whether a destination host is this machine. */
function isLoopback(hostname) {
	const bare = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return bare === 'localhost' || bare === '::1' || /^127\./.test(bare) || bare === '0.0.0.0';
}

/**
 * The destination a proxy request names: "CONNECT host:port" (https through a tunnel), an absolute
 * URL (plain http, or a client such as axios sending https that way), or else the Host header.
 */
function destinationOf(head) {
	const [requestLine, ...headerLines] = head.split('\r\n');
	const [method = '', target = ''] = requestLine.split(' ');
	let hostname = '';
	if (method === 'CONNECT') {
		hostname = target.replace(/:\d+$/, '');
	} else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
		try {
			hostname = new URL(target).hostname;
		} catch {
			hostname = '';
		}
	} else {
		const hostHeader = headerLines.find((line) => /^host:/i.test(line));
		hostname = hostHeader ? hostHeader.slice(5).trim().replace(/:\d+$/, '') : '';
	}
	return { method, target, hostname };
}

/**
 * Listens on a free port of 127.0.0.1. Resolves with { url, attempts, close() }: `attempts` lists
 * { method, target, hostname } for every request received, in arrival order.
 */
function startClosedProxy() {
	const attempts = [];
	const sockets = new Set();
	const server = net.createServer((socket) => {
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
		socket.setTimeout(IDLE_MS, () => socket.destroy());
		socket.on('error', () => socket.destroy());
		let head = '';
		socket.setEncoding('latin1');
		socket.on('data', (chunk) => {
			head += chunk;
			const end = head.indexOf('\r\n\r\n');
			if (end === -1 && head.length < MAX_HEAD_BYTES) return;
			socket.removeAllListeners('data');
			if (attempts.length < MAX_RECORDED) attempts.push(destinationOf(end === -1 ? head : head.slice(0, end)));
			socket.end('HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
		});
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, LOOPBACK, () => {
			resolve({
				url: `http://${LOOPBACK}:${server.address().port}`,
				attempts,
				close: () =>
					new Promise((done) => {
						server.close(() => done());
						for (const socket of sockets) socket.destroy();
					}),
			});
		});
	});
}

module.exports = { startClosedProxy, isLoopback };
