import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

/** The implementation of the node's chosen resource and operation, or an error naming both. */
export function resolveOperation<Operation>(
	context: IExecuteFunctions,
	operations: Record<string, Record<string, Operation>>,
): Operation {
	const resource = context.getNodeParameter('resource', 0) as string;
	const operation = context.getNodeParameter('operation', 0) as string;
	const found = operations[resource]?.[operation];
	if (found === undefined) {
		throw new NodeOperationError(context.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	return found;
}
