// The publisher's identity as a publisher would fill it in package.json (README, Publishing), for
// the tests that need a filled one: the scanner's clean runs and the release preflight. The
// addresses are examples; the repository is GitHub's form, which the preflight compares.
const SAMPLE_REPOSITORY = 'https://github.com/example-owner/n8n-nodes-flowiq';

const SAMPLE_IDENTITY = {
	author: { name: 'Ada Example', email: 'ada@example.com' },
	homepage: `${SAMPLE_REPOSITORY}#readme`,
	repository: { type: 'git', url: `git+${SAMPLE_REPOSITORY}.git` },
	bugs: { url: `${SAMPLE_REPOSITORY}/issues` },
};

module.exports = { SAMPLE_REPOSITORY, SAMPLE_IDENTITY };
