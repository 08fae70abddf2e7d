import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { resolveOperation } from '../../../nodeExecution/resolveOperation';
import { executeOperation, type ItemOperation } from '../../../nodeExecution/executePerItem';
import { readNodeRequestSettings } from '../../../nodeExecution/nodeRequests';
import { connectRingCx, type RingCxConnection } from '../transport';
import * as apiToken from './apiToken';
import * as user from './user';

const operations: Record<string, Record<string, ItemOperation<unknown, RingCxConnection>>> = {
	apiToken: { create: apiToken.create, delete: apiToken.delete, getAll: apiToken.getAll },
	user: { getAll: user.getAll },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = resolveOperation(this, operations);
	const settings = readNodeRequestSettings(this);
	// The first item goes alone (executePerItem): a credential that must first mint its token does so once.
	return await executeOperation(this, operation, connectRingCx(this, settings), {
		concurrency: settings.concurrency,
		signal: settings.abortSignal,
	});
}
