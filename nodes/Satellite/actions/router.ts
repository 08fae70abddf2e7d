import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { resolveOperation } from '../../../nodeExecution/resolveOperation';
import { executeOperation, type ItemOperation } from '../../../nodeExecution/executePerItem';
import { readNodeRequestSettings } from '../../../nodeExecution/nodeRequests';
import { connectSatellite, type SatelliteConnection } from '../transport';
import * as otp from './otp';

const operations: Record<string, Record<string, ItemOperation<unknown, SatelliteConnection>>> = {
	otp: { send: otp.send, verify: otp.verify },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = resolveOperation(this, operations);
	const settings = readNodeRequestSettings(this);
	// The first item goes alone (executePerItem): the one that needs a client token gets it, the others reuse it.
	return await executeOperation(this, operation, connectSatellite(this, settings), {
		concurrency: settings.concurrency,
		signal: settings.abortSignal,
	});
}
