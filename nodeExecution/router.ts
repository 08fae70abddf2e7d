/** Every node's `execute`: the chosen operation, for every item, over one connection to the node's provider. */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import type { Provider } from '../providers/provider';
import { executeOperation, type ItemOperation } from './executePerItem';
import { readNodeRequestSettings } from './nodeRequests';
import { connectProvider, type ProviderConnection } from './providerConnection';

/** A node's operations by resource and operation name, as its `resource` and `operation` parameters name them. */
export type NodeOperations = Record<string, Record<string, ItemOperation<unknown, ProviderConnection>>>;

export async function runNodeOperation(
	context: IExecuteFunctions,
	provider: Provider,
	operations: NodeOperations,
): Promise<INodeExecutionData[][]> {
	const resource = context.getNodeParameter('resource', 0) as string;
	const operationName = context.getNodeParameter('operation', 0) as string;
	const operation = operations[resource]?.[operationName];
	if (operation === undefined) {
		throw new NodeOperationError(
			context.getNode(),
			`The operation "${operationName}" of "${resource}" is not supported`,
		);
	}
	const settings = readNodeRequestSettings(context);
	return await executeOperation(context, operation, connectProvider(context, settings, provider), {
		concurrency: settings.concurrency,
		signal: settings.abortSignal,
	});
}
