import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { resolveOperation } from '../../../nodeExecution/resolveOperation';
import { executePerItem, type OperationResult } from '../../../nodeExecution/executePerItem';
import * as otp from './otp';

type Operation = (this: IExecuteFunctions, itemIndex: number) => Promise<OperationResult>;

const operations: Record<string, Record<string, Operation>> = {
	otp: { send: otp.send.execute, verify: otp.verify.execute },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const run = resolveOperation(this, operations);
	// One item after another: the first item that needs a client token gets it, the others reuse it.
	return await executePerItem(this, async (itemIndex) => await run.call(this, itemIndex));
}
