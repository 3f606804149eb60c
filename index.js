// The package entry (`main`), for code that requires the package. n8n itself loads the node and
// credential from the paths in package.json's "n8n" section. gulp copies this file into dist/,
// next to the compiled classes it points at.
module.exports = {
	FlowIq: require('./nodes/FlowIq/FlowIq.node').FlowIq,
	FlowIqApi: require('./credentials/FlowIqApi.credentials').FlowIqApi,
};
