import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { resolveOperation } from '../../../nodeExecution/resolveOperation';
import { executePerItem } from '../../../nodeExecution/executePerItem';
import { connectViafoura, type ViafouraConnection } from '../transport';
import * as session from './session';

interface Operation {
	/** Reads and checks the item's parameters; throws an error naming the parameter and the item. */
	readInput(this: IExecuteFunctions, itemIndex: number): unknown;
	execute(this: IExecuteFunctions, itemIndex: number, viafoura: ViafouraConnection): Promise<IDataObject>;
}

const operations: Record<string, Record<string, Operation>> = {
	session: { login: session.login, logout: session.logout },
};

export const DEFAULT_CONCURRENCY = 5;

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const run = resolveOperation(this, operations);
	if (!this.continueOnFail()) {
		// One bad item stops the node; checking them all first means it stops before any reader is logged in or out.
		for (let itemIndex = 0; itemIndex < this.getInputData().length; itemIndex++) run.readInput.call(this, itemIndex);
	}
	const concurrency = Number(this.getNodeParameter('concurrency', 0, DEFAULT_CONCURRENCY));
	const viafoura = connectViafoura(this);
	return await executePerItem(this, async (itemIndex) => await run.execute.call(this, itemIndex, viafoura), {
		// An expression that gives no number falls back to the default rather than to no requests at all.
		concurrency: Number.isFinite(concurrency) && concurrency >= 1 ? concurrency : DEFAULT_CONCURRENCY,
	});
}
