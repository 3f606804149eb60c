// tsc compiles the TypeScript; gulp brings what tsc leaves behind into dist/: icons, the codex
// files n8n reads beside each node and the package entry, and bundles libphonenumber-js into the
// one module that imports it, so the published package has no runtime dependencies.
const path = require('node:path');
const { src, dest, parallel } = require('gulp');
const esbuild = require('esbuild');

const PHONE_LIBRARY = 'nodes/FlowIq/vendor/libphonenumber';

function copyNodeAssets() {
	return src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json'], { encoding: false }).pipe(dest('dist/nodes'));
}

function copyCredentialAssets() {
	return src('credentials/**/*.{png,svg}', { encoding: false, allowEmpty: true }).pipe(dest('dist/credentials'));
}

function copyEntry() {
	return src('index.js').pipe(dest('dist'));
}

/** Replaces tsc's output for the library's one door with the library itself, bundled. */
function bundlePhoneLibrary() {
	return esbuild.build({
		entryPoints: [`${PHONE_LIBRARY}.ts`],
		outfile: `dist/${PHONE_LIBRARY}.js`,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		minify: true,
		legalComments: 'eof',
		banner: { js: '/*! libphonenumber-js, bundled: MIT licence (code) and Apache 2.0 (metadata), see the LICENSE files beside this file */' },
		logLevel: 'warning',
	});
}

/** The library's licences travel with the bundle. */
function copyPhoneLibraryLicences() {
	const library = path.dirname(require.resolve('libphonenumber-js/package.json'));
	return src([path.join(library, 'LICENSE'), path.join(library, 'LICENSE.Apache')])
		.pipe(dest(`dist/${path.dirname(PHONE_LIBRARY)}/libphonenumber-js`));
}

exports.build = parallel(copyNodeAssets, copyCredentialAssets, copyEntry, bundlePhoneLibrary, copyPhoneLibraryLicences);
exports.default = exports.build;
