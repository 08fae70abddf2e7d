import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

export type OperationResult = IDataObject | IDataObject[];

export interface PerItemOptions {
	/** How many items run at once; results keep input order. 1 (one after another) by default. */
	concurrency?: number;
}

function withItemIndex(error: unknown, itemIndex: number, node: ReturnType<IExecuteFunctions['getNode']>): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	return new NodeOperationError(node, error instanceof Error ? error : String(error), { itemIndex });
}

/**
 * Runs `operation` for every input item and links each output to its item (`pairedItem`).
 * A failing item either stops the node with an error naming the item, or, with "Continue On
 * Fail", becomes an output item carrying `error` while every other item goes on.
 */
export async function executePerItem(
	context: IExecuteFunctions,
	operation: (itemIndex: number) => Promise<OperationResult>,
	options: PerItemOptions = {},
): Promise<INodeExecutionData[][]> {
	const itemCount = context.getInputData().length;
	const results: Array<{ ok: true; value: OperationResult } | { ok: false; error: Error }> = new Array(itemCount);
	const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
	let next = 0;
	let stopped = false;

	async function worker(): Promise<void> {
		while (!stopped && next < itemCount) {
			const itemIndex = next++;
			try {
				results[itemIndex] = { ok: true, value: await operation(itemIndex) };
			} catch (error) {
				results[itemIndex] = { ok: false, error: withItemIndex(error, itemIndex, context.getNode()) };
				if (!context.continueOnFail()) stopped = true;
			}
		}
	}
	await Promise.all(Array.from({ length: Math.min(concurrency, itemCount) }, async () => await worker()));

	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		const result = results[itemIndex];
		if (result === undefined) continue;
		if (!result.ok) {
			if (!context.continueOnFail()) throw result.error;
			output.push({ json: { error: result.error.message }, pairedItem: { item: itemIndex } });
			continue;
		}
		for (const json of Array.isArray(result.value) ? result.value : [result.value]) {
			output.push({ json, pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}
