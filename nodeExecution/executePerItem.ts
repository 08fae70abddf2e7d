import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { ItemStarts } from './itemStarts';

export type OperationResult = IDataObject | IDataObject[];

export interface PerItemOptions {
	/** How many items run at once; results keep input order. 1 (one after another) by default. */
	concurrency?: number;
	/** The execution's cancel signal: once it fires, no further item starts. */
	signal?: AbortSignal;
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
 *
 * With a concurrency above 1, that many items run at once (a credential that has no token yet gets
 * one token request for all of them: tokenLifecycle/renewalInFlight.ts). Items in flight start a
 * few per turn of the event loop (ItemStarts), so the requests they send overlap with the
 * provider's answers instead of leaving in clumps.
 */
export async function executePerItem(
	context: IExecuteFunctions,
	operation: (itemIndex: number) => Promise<OperationResult>,
	options: PerItemOptions = {},
): Promise<INodeExecutionData[][]> {
	const itemCount = context.getInputData().length;
	const results: Array<{ ok: true; value: OperationResult } | { ok: false; error: Error }> = new Array(itemCount);
	const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
	const { signal } = options;
	let next = 0;
	let stopped = false;

	async function runItem(itemIndex: number): Promise<void> {
		try {
			results[itemIndex] = { ok: true, value: await operation(itemIndex) };
		} catch (error) {
			results[itemIndex] = { ok: false, error: withItemIndex(error, itemIndex, context.getNode()) };
			if (!context.continueOnFail()) stopped = true;
		}
	}
	const mayStartAnother = () => !stopped && next < itemCount && signal?.aborted !== true;
	// Items that run at once take turns to start (see ItemStarts); items one after another need not.
	const starts = concurrency > 1 ? new ItemStarts() : undefined;
	async function worker(): Promise<void> {
		while (mayStartAnother()) {
			await starts?.next();
			// While this worker waited, another may have taken the last item, or the execution stopped.
			if (!mayStartAnother()) break;
			await runItem(next++);
		}
	}
	await Promise.all(Array.from({ length: Math.min(concurrency, itemCount) }, async () => await worker()));
	if (signal?.aborted === true) {
		throw new NodeOperationError(context.getNode(), 'The execution was stopped before every item was sent');
	}

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

/** One operation of a node: reads and checks an item's parameters, then does the item's work with them. */
export interface ItemOperation<Input, Api> {
	/** Reads and checks the item's parameters; throws an error naming the parameter and the item. */
	readInput(this: IExecuteFunctions, itemIndex: number): Input;
	execute(this: IExecuteFunctions, input: Input, itemIndex: number, api: Api): Promise<OperationResult>;
}

/**
 * Runs an operation for every item, reading each item's parameters exactly once. Without "Continue
 * On Fail" every item is read and checked before anything is sent, so one bad item stops the node
 * before it has changed anything at the provider; with it, each item is read when its turn comes
 * and only that item fails.
 */
export async function executeOperation<Input, Api>(
	context: IExecuteFunctions,
	operation: ItemOperation<Input, Api>,
	api: Api,
	options: PerItemOptions = {},
): Promise<INodeExecutionData[][]> {
	const itemCount = context.getInputData().length;
	let inputs: Input[] | undefined;
	if (!context.continueOnFail()) {
		inputs = new Array<Input>(itemCount);
		for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
			try {
				inputs[itemIndex] = operation.readInput.call(context, itemIndex);
			} catch (error) {
				throw withItemIndex(error, itemIndex, context.getNode());
			}
		}
	}
	return await executePerItem(
		context,
		async (itemIndex) =>
			await operation.execute.call(
				context,
				inputs === undefined ? operation.readInput.call(context, itemIndex) : inputs[itemIndex],
				itemIndex,
				api,
			),
		options,
	);
}
