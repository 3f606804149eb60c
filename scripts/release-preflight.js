'use strict';
// `npm run release:check`: refuses a release whose package.json does not name its publisher.
//
// n8n's scanner reads the publisher's identity (author, homepage) from package.json in the GitHub
// repository the package was published from, and npm provenance ties `repository` to the
// repository the release workflow ran in. So before `npm publish --provenance`, `repository`,
// `homepage` and `bugs` must point at that repository (GITHUB_SERVER_URL/GITHUB_REPOSITORY, set by
// GitHub Actions) and `author` must have a name and an email. Each problem names its field and
// what to write there. Run locally with both variables set (README, Publishing).

const fs = require('node:fs');
const path = require('node:path');

/** The n8n node API version n8n 2.41 accepts at install, update and start. */
const NODES_API_VERSION = 1;

/** The first npm that publishes by trusted publishing (OIDC), as major, minor, patch. */
const TRUSTED_PUBLISHING_NPM = [11, 5, 1];

/** The npm running this script, from the user agent npm gives its scripts, or `undefined`. */
function npmVersionOf(env) {
	const match = /\bnpm\/(\d+)\.(\d+)\.(\d+)/.exec(env.npm_config_user_agent ?? '');
	return match ? match.slice(1).map(Number) : undefined;
}

/** Whether version `a` comes before `b`, both [major, minor, patch]. */
function olderThan(a, b) {
	const differing = a.findIndex((part, index) => part !== b[index]);
	return differing !== -1 && a[differing] < b[differing];
}

/** A URL in the form npm and GitHub write it, for comparing: no git+, no .git, no trailing slash, lower case. */
function normalised(url) {
	return String(url)
		.trim()
		.replace(/^git\+/, '')
		.replace(/\.git$/, '')
		.replace(/\/+$/, '')
		.toLowerCase();
}

/** The URL of a field npm accepts as a string or as { url }. */
function urlOf(field) {
	return typeof field === 'string' ? field : field?.url;
}

/** { name, email } of an author written as an object or as "Name <email> (homepage)". */
function authorOf(author) {
	if (author && typeof author === 'object') return { name: author.name, email: author.email };
	const match = /^([^<(]*)(?:<([^>]*)>)?/.exec(typeof author === 'string' ? author : '');
	return { name: match?.[1], email: match?.[2] };
}

function identityProblems(manifest, repositoryUrl) {
	const expected = normalised(repositoryUrl);
	const problems = [];

	const repository = urlOf(manifest.repository);
	if (!repository) {
		problems.push(`repository: missing; set it to { "type": "git", "url": "git+${repositoryUrl}.git" }`);
	} else if (normalised(repository) !== expected) {
		problems.push(`repository: ${repository} is not the repository this release runs in; set it to git+${repositoryUrl}.git`);
	}

	const homepage = manifest.homepage;
	const onRepository = (url) => url === expected || url.startsWith(`${expected}#`) || url.startsWith(`${expected}/`);
	if (!homepage) {
		problems.push(`homepage: missing; set it to ${repositoryUrl}#readme`);
	} else if (!onRepository(normalised(homepage))) {
		problems.push(`homepage: ${homepage} is not on ${repositoryUrl}; set it to ${repositoryUrl}#readme`);
	}

	const bugs = urlOf(manifest.bugs);
	if (!bugs) {
		problems.push(`bugs: missing; set it to { "url": "${repositoryUrl}/issues" }`);
	} else if (normalised(bugs) !== `${expected}/issues`) {
		problems.push(`bugs: ${bugs} is not ${repositoryUrl}/issues; set it to that`);
	}

	const { name, email } = authorOf(manifest.author);
	const missing = [!name?.trim() && 'name', !email?.trim() && 'email'].filter(Boolean);
	if (missing.length) {
		problems.push(`author: no ${missing.join(' and no ')}; set author to { "name": "Your Name", "email": "you@example.com" }`);
	} else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) {
		problems.push(`author: "${email}" is not an email address; set author.email to yours, such as you@example.com`);
	}
	return problems;
}

/**
 * Every reason not to publish `manifest` from the GitHub run described by `env`, one line each
 * starting with the field it is about; none when it is ready.
 */
function preflightProblems(manifest, env) {
	const problems = [];
	const apiVersion = manifest.n8n?.n8nNodesApiVersion;
	if (apiVersion !== NODES_API_VERSION) {
		problems.push(`n8n.n8nNodesApiVersion: ${JSON.stringify(apiVersion)}; it must be ${NODES_API_VERSION} (n8n 2.41 refuses any other at install)`);
	}
	// A tag run publishes package.json's version whatever the tag says: v0.2.0 must publish 0.2.0.
	if (env.GITHUB_REF_TYPE === 'tag' && env.GITHUB_REF_NAME !== `v${manifest.version}`) {
		problems.push(
			`version: ${manifest.version}, but this release runs for the tag ${env.GITHUB_REF_NAME}; ` +
				`set "version" to match the tag, or push the tag v${manifest.version}`,
		);
	}
	// Only the release workflow publishes by trusted publishing: a first publish by hand logs in.
	const npm = npmVersionOf(env);
	if (env.GITHUB_ACTIONS === 'true' && npm && olderThan(npm, TRUSTED_PUBLISHING_NPM)) {
		problems.push(
			`npm: ${npm.join('.')} cannot publish by trusted publishing, which needs ${TRUSTED_PUBLISHING_NPM.join('.')} or later; ` +
				'set up Node.js 24 in the workflow, or add `npm install -g npm@11` before publishing',
		);
	}
	const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository } = env;
	if (!server || !repository) {
		problems.push(
			'GITHUB_SERVER_URL, GITHUB_REPOSITORY: not set; the release workflow sets them. To check locally, set both ' +
				'(GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=<owner>/<repository>)',
		);
		return problems;
	}
	return [...problems, ...identityProblems(manifest, `${server.replace(/\/+$/, '')}/${repository}`)];
}

function main() {
	const manifest = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'package.json'), 'utf8'));
	const problems = preflightProblems(manifest, process.env);
	if (problems.length) {
		console.error(`Not ready to publish ${manifest.name}@${manifest.version} (README, Publishing):`);
		for (const problem of problems) console.error(`  ${problem}`);
		return 1;
	}
	console.log(`${manifest.name}@${manifest.version}: package.json names ${process.env.GITHUB_REPOSITORY} and its author; ready to publish`);
	return 0;
}

if (require.main === module) process.exitCode = main();

module.exports = { preflightProblems };
