import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/**
 * Items sent at once by default, measured with `npm run bench` (docs/performance.md). n8n's HTTP
 * Request node sends every item at once and spends about 5 ms of its own work on each; this node
 * spends about 1 ms, so it needs enough requests in flight to cover the provider's latency: at 20 ms,
 * 50 at once take 1,000 items barely longer than at 0 ms (20 at once took 1.5x as long), and at 200 ms
 * they are as fast as the HTTP Request node (40 were 1.12x slower). Starts are spread over the event
 * loop's turns (ItemStarts) rather than fired together, and a 429 pauses every call to the provider
 * (requestEngine/pacing.ts).
 */
export const DEFAULT_CONCURRENCY = 50;

/** Like n8n's HTTP Request node's Timeout option, per request, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The "Max Concurrent Requests" parameter (name `concurrency`) of a node that sends one request per item. */
export function concurrencyProperty(provider: string): INodeProperties {
	return {
		displayName: 'Max Concurrent Requests',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_CONCURRENCY,
		description: `How many items are sent to ${provider} at the same time. Output items keep the order of the input items. Items that need a token at the same moment share one token request; when ${provider} answers "too many requests", every item waits as long as it asks.`,
	};
}

/** The node's "Options" collection: settings of its requests that most workflows leave alone. */
export const requestOptionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'Timeout',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_TIMEOUT_MS,
			description:
				'How long to wait for an answer to each request, in milliseconds, before the item fails. Stopping the execution ends every request at once.',
		},
	],
};

/** How the node sends its requests in this execution: read once, not per item. */
export interface NodeRequestSettings {
	/** Items sent at once (the `concurrency` parameter, or the default when it is not a number ≥ 1). */
	concurrency: number;
	/** Milliseconds each request may take. */
	timeout: number;
	/** Ends every request of the execution when the user stops it. */
	abortSignal?: AbortSignal;
}

function positiveNumber(value: unknown, fallback: number): number {
	const number = typeof value === 'string' && value.trim() === '' ? NaN : Number(value);
	return Number.isFinite(number) && number >= 1 ? Math.floor(number) : fallback;
}

/**
 * The execution's request settings. Parameters are read for the first item: they say how to talk to
 * the provider, not what to send, so they are the same for every item.
 */
export function readNodeRequestSettings(context: IExecuteFunctions): NodeRequestSettings {
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const cancelSignal = (context as Partial<Pick<IExecuteFunctions, 'getExecutionCancelSignal'>>)
		.getExecutionCancelSignal;
	return {
		// An expression that gives no number falls back to the default rather than to no requests at all.
		concurrency: positiveNumber(context.getNodeParameter('concurrency', 0, DEFAULT_CONCURRENCY), DEFAULT_CONCURRENCY),
		timeout: positiveNumber(options?.timeout, DEFAULT_TIMEOUT_MS),
		abortSignal: typeof cancelSignal === 'function' ? cancelSignal.call(context) : undefined,
	};
}
