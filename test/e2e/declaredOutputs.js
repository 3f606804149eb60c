'use strict';
/**
 * Run by realN8n.js with a host's own Node:
 *   node declaredOutputs.js <n8n host folder> <input file>
 * The input file holds { nodeTypes, workflows }: the node types `n8n export:nodes` wrote, and
 * workflows in n8n's export format. Prints, for each workflow, the outputs every FlowIQ node
 * declares there, worked out by that n8n's own NodeHelpers.getNodeOutputs, as the editor draws
 * them and the engine routes by them: { [workflowId]: { [nodeName]: [displayName, …] } }.
 */
const fs = require('node:fs');
const path = require('node:path');

const [hostFolder, inputFile] = process.argv.slice(2);
const { NodeHelpers, Workflow } = require(require.resolve('n8n-workflow', { paths: [path.join(hostFolder, 'node_modules', 'n8n')] }));

const { nodeTypes, workflows } = JSON.parse(fs.readFileSync(inputFile, 'utf8'));

const versionsOf = (type) => [].concat(type.version);
const registry = {
	getByNameAndVersion(name, version) {
		const type = nodeTypes.find((candidate) => candidate.name === name && (version === undefined || versionsOf(candidate).includes(version)));
		return type ? { description: type } : undefined;
	},
	getByName(name) {
		return registry.getByNameAndVersion(name);
	},
	getKnownTypes: () => ({}),
};

const declared = {};
for (const data of workflows) {
	const workflow = new Workflow({ id: data.id, nodes: data.nodes, connections: data.connections, active: false, nodeTypes: registry });
	declared[data.id] = {};
	for (const { name, type, typeVersion } of data.nodes) {
		if (!type.startsWith('n8n-nodes-flowiq.')) continue;
		const { description } = registry.getByNameAndVersion(type, typeVersion);
		const outputs = NodeHelpers.getNodeOutputs(workflow, workflow.getNode(name), description);
		declared[data.id][name] = outputs.map((output) => (typeof output === 'string' ? output : output.displayName ?? output.type));
	}
}
process.stdout.write(JSON.stringify(declared));
