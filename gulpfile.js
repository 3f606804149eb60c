// tsc compiles the TypeScript; gulp brings what tsc leaves behind into dist/: icons, the codex
// files n8n reads beside each node, and the package entry.
const { src, dest, parallel } = require('gulp');

function copyNodeAssets() {
	return src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json'], { encoding: false }).pipe(dest('dist/nodes'));
}

function copyCredentialAssets() {
	return src('credentials/**/*.{png,svg}', { encoding: false, allowEmpty: true }).pipe(dest('dist/credentials'));
}

function copyEntry() {
	return src('index.js').pipe(dest('dist'));
}

exports.build = parallel(copyNodeAssets, copyCredentialAssets, copyEntry);
exports.default = exports.build;
