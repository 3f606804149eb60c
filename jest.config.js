const path = require('node:path');

const { hostDir } = require('./scripts/n8n-host');

const shared = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	testMatch: ['**/*.test.ts', '**/*.test.js'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

// The node inside a real n8n 2.x meets that n8n's n8n-core and n8n-workflow, not the dev
// dependencies (1.x). So every suite that runs it through the engine runs a second time on the
// copies in the n8n 2.x host that scripts/n8n-host.js installs, @n8n/di with them: one container.
const n8n2Modules = path.join(hostDir('2'), 'node_modules');

/** @type {import('jest').Config} */
module.exports = {
	projects: [
		{
			...shared,
			displayName: 'suites',
			roots: ['<rootDir>/nodes', '<rootDir>/credentials', '<rootDir>/test'],
		},
		{
			...shared,
			displayName: 'engine suites on n8n-core 2.x',
			roots: ['<rootDir>/test/helpers', '<rootDir>/test/node', '<rootDir>/test/reliability'],
			globalSetup: '<rootDir>/test/n8n2Host.setup.js',
			moduleNameMapper: {
				'^(n8n-core|n8n-workflow|@n8n/di|@n8n/backend-common)(/.*)?$': `${n8n2Modules}/$1$2`,
			},
		},
	],
};
