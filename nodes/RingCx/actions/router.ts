import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { resolveOperation } from '../../../nodeExecution/resolveOperation';
import { executePerItem, type OperationResult } from '../../../nodeExecution/executePerItem';
import * as apiToken from './apiToken';
import * as user from './user';

type Operation = (this: IExecuteFunctions, itemIndex: number) => Promise<OperationResult>;

const operations: Record<string, Record<string, Operation>> = {
	apiToken: { create: apiToken.create.execute, delete: apiToken.delete.execute, getAll: apiToken.getAll.execute },
	user: { getAll: user.getAll.execute },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const run = resolveOperation(this, operations);
	// One item after another: a credential that must first mint its token does so once, for the first item.
	return await executePerItem(this, async (itemIndex) => await run.call(this, itemIndex));
}
