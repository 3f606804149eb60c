// The package entry (`main`), for code that requires the package. n8n itself loads the nodes and
// credential from the paths in package.json's "n8n" section. gulp copies this file into dist/,
// next to the compiled classes it points at.
module.exports = {
	FlowIq: require('./nodes/FlowIq/FlowIq.node').FlowIq,
	FlowIqTrigger: require('./nodes/FlowIqTrigger/FlowIqTrigger.node').FlowIqTrigger,
	FlowIqApi: require('./credentials/FlowIqApi.credentials').FlowIqApi,
};
