// n8n's community package scanner, run here: its own rule set (the config its `buildScanConfig`
// builds, `no-console` included), inline `eslint-disable` comments ignored as the scanner ignores
// them, on the same files it lints: the source (package.json, nodes/, credentials/) and an unpacked
// tarball (its .js files and package.json). Warnings count too: the scanner passes them, n8n's
// reviewers read them.
//
//   node scripts/scan.mjs                      the source of this checkout (`npm run lint`)
//   node scripts/scan.mjs --source DIR         the source in DIR
//   node scripts/scan.mjs --package DIR        an unpacked tarball in DIR
//   add --json to print the findings as JSON instead of failing on them
//
// Without --json it exits 1 on any finding but the publisher's identity (IDENTITY_RULES), which
// only the publisher fills in (README, Publishing); `npm run release:check` demands it.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildScanConfig, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

// eslint and fast-glob as the scanner loads them: resolved from its own folder, so they are the
// versions it pins, whatever else the project's node_modules holds under those names.
const fromScanner = createRequire(createRequire(import.meta.url).resolve('@n8n/scan-community-package/package.json'));
const { ESLint } = fromScanner('eslint');
const glob = fromScanner('fast-glob');

/** What the scanner lints in a tarball (scanner.mjs, analyzePackageByName). */
export const PACKAGE_FILE_PATTERNS = ['**/*.js', 'package.json'];

/** Rules about who publishes the package: package.json fields only the publisher can fill. */
export const IDENTITY_RULES = ['@n8n/community-nodes/valid-author', '@n8n/community-nodes/require-homepage'];

/** Every finding of the scanner's rules on `patterns` under `dir`, as { file, line, rule, severity, message }. */
export async function scan(dir, patterns) {
	const eslint = new ESLint({
		cwd: dir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await buildScanConfig(),
	});
	const files = glob.sync(patterns, { cwd: dir, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
	if (files.length === 0) {
		throw new Error(
			`No files to scan in ${dir} (${patterns.join(', ')}): give --source a folder with package.json, nodes/ and credentials/, or --package an unpacked tarball`,
		);
	}
	const results = await eslint.lintFiles(files);
	return results.flatMap((result) =>
		result.messages.map((message) => ({
			file: path.relative(dir, result.filePath),
			line: message.line ?? 0,
			rule: message.ruleId ?? '(parse)',
			severity: message.severity === 2 ? 'error' : 'warning',
			message: message.message,
		})),
	);
}

function report(findings) {
	for (const { file, line, rule, severity, message } of findings) {
		console.log(`${file}:${line}  ${severity}  ${message}  (${rule})`);
	}
}

async function main(args) {
	const json = args.includes('--json');
	const [kind, dir, ...extra] = args.filter((arg) => arg !== '--json');
	if ((kind !== undefined && !['--source', '--package'].includes(kind)) || (kind && !dir) || extra.length) {
		console.error('Usage: node scripts/scan.mjs [--source DIR | --package DIR] [--json] (DIR: a source folder with package.json, nodes/ and credentials/, or an unpacked tarball)');
		return 2;
	}
	const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
	const target = path.resolve(dir ?? projectRoot);
	const findings = await scan(target, kind === '--package' ? PACKAGE_FILE_PATTERNS : SOURCE_FILE_PATTERNS);
	if (json) {
		console.log(JSON.stringify(findings));
		return 0;
	}
	const identity = findings.filter((finding) => IDENTITY_RULES.includes(finding.rule));
	const rest = findings.filter((finding) => !IDENTITY_RULES.includes(finding.rule));
	report(rest);
	if (identity.length) {
		console.log(`\nLeft for the publisher to fill in package.json (README, Publishing; checked by npm run release:check):`);
		report(identity);
	}
	console.log(`\nn8n's scanner rules on ${path.relative(process.cwd(), target) || '.'}: ${rest.length} finding(s), ${identity.length} for the publisher`);
	return rest.length ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	process.exitCode = await main(process.argv.slice(2));
}
