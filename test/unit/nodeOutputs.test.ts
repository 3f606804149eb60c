import * as create from '../../nodes/FlowIq/actions/contact/create.operation';
import * as get from '../../nodes/FlowIq/actions/contact/get.operation';
import { FlowIq } from '../../nodes/FlowIq/FlowIq.node';

/**
 * The outputs expression, run from its text alone the way n8n runs it: anything it used from
 * outside itself would be missing here too.
 */
function outputsOf(parameters: { resource?: string; operation?: string }): Array<{ type: string; displayName: string }> {
	const expression = new FlowIq().description.outputs as string;
	const match = /^=\{\{(.*)\}\}$/s.exec(expression);
	expect(match).not.toBeNull();
	expect(match![1]).not.toContain('}}');
	return new Function('$parameter', `return ${match![1]};`)(parameters);
}

describe('the node’s outputs', () => {
	it.each([
		[{ resource: 'contact', operation: 'create' }, create.OUTPUT_NAMES],
		[{}, create.OUTPUT_NAMES],
		[{ resource: 'contact', operation: 'get' }, get.OUTPUT_NAMES],
		[{ resource: 'contact', operation: 'getAll' }, ['']],
		[{ resource: 'conversation', operation: 'getMessages' }, ['']],
		[{ resource: 'message', operation: 'send' }, ['']],
	])('for %j are %j', (parameters, names) => {
		expect(outputsOf(parameters)).toEqual(names.map((displayName) => ({ type: 'main', displayName })));
	});
});
