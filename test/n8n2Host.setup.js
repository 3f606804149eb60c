'use strict';
// Jest's global set-up for the suites run on n8n 2.x's n8n-core (jest.config.js): the host that
// holds it, installed on first use (several minutes), repaired when broken.
const host = require('../scripts/n8n-host');

module.exports = async () => {
	await host.ensureHost('2');
};
