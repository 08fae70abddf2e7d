import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { resolveOperation } from '../../../nodeExecution/resolveOperation';
import { executeOperation, type ItemOperation } from '../../../nodeExecution/executePerItem';
import { readNodeRequestSettings } from '../../../nodeExecution/nodeRequests';
import { connectViafoura, type ViafouraConnection } from '../transport';
import * as session from './session';

const operations: Record<string, Record<string, ItemOperation<unknown, ViafouraConnection>>> = {
	session: { login: session.login, logout: session.logout },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = resolveOperation(this, operations);
	const settings = readNodeRequestSettings(this);
	return await executeOperation(this, operation, connectViafoura(this, settings), {
		concurrency: settings.concurrency,
		signal: settings.abortSignal,
	});
}
