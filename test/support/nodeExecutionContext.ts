/**
 * Runs a node of this package as n8n runs it: its real `execute` with n8n-core 1.122's ExecuteContext
 * (parameters, expressions, `getCredentials`, `continueOnFail`, the request helpers) in a one-node
 * workflow, with n8n's credentials-helper semantics (test/support/n8nCredentialsHelper.ts) over a
 * credential stored encrypted, against the bundled provider servers over real HTTP (n8n-core's axios).
 *
 * Not modelled: the workflow engine around `execute` (an error thrown out of it rejects the run; n8n
 * would record it, or with Continue On Fail pass the input on).
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
} from 'n8n-workflow';

import { executeContext } from './n8nCore';
import { CredentialStore, n8nCredentialsHelper } from './n8nCredentialsHelper';

export { CredentialStore };

/** A parameter's value: fixed, or a function of the item index (an expression, for n8n). */
export type ParameterValue = unknown | ((itemIndex: number) => unknown);

export interface RunOptions {
	/** The node's parameters as saved in the workflow; the rest get their defaults. */
	parameters: Record<string, ParameterValue>;
	/** The input items, or how many (`{ json: { index } }` each). One by default. */
	items?: number | INodeExecutionData[];
	/** The node's "On Error: Continue" setting. */
	continueOnFail?: boolean;
	/** Receives the execution's cancel controller as the run starts: aborting it is stopping the execution. */
	onStart?: (execution: { cancel: AbortController }) => void;
}

export interface NodeRun {
	/** The node's first output. */
	output: INodeExecutionData[];
	/** Every output of the node. */
	outputs: INodeExecutionData[][];
	/** The stored credential after the run, with whatever n8n saved into it. */
	storedCredential: ICredentialDataDecryptedObject;
	/** The options of each authenticated request the node handed n8n, in the order it handed them. */
	sentRequests: IHttpRequestOptions[];
}

export interface NodeUnderTest {
	/** The node class, e.g. `Satellite`. */
	nodeType: new () => INodeType;
	/** The class of the credential the node's requests authenticate with, e.g. `SatelliteApi`. */
	credentialType: new () => ICredentialType;
	/** The node's type name inside n8n; `n8n-nodes-token-auth.<description.name>` by default. */
	nodeTypeName?: string;
	/** The node's reference to its stored credential (`getNode().credentials[type]`). */
	credential?: { id: string; name: string };
}

export type NodeRunner = (store: CredentialStore, options: RunOptions) => Promise<NodeRun>;

/**
 * The saved parameters, each function replaced by an expression that n8n resolves per item: the
 * function's value for every item is handed to n8n as an instance variable (`$vars`), so any value,
 * however long or odd, reaches the node through n8n's real expression engine.
 */
function saveParameters(
	parameters: Record<string, ParameterValue>,
	itemCount: number,
): { saved: INodeParameters; variables: IDataObject } {
	const perItem: unknown[][] = [];
	const save = (value: unknown): unknown => {
		if (typeof value === 'function') {
			perItem.push(Array.from({ length: itemCount }, (_, itemIndex) => (value as (i: number) => unknown)(itemIndex)));
			return `={{ $vars.perItem[${perItem.length - 1}][$itemIndex] }}`;
		}
		if (Array.isArray(value)) return value.map(save);
		if (value !== null && typeof value === 'object') {
			return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, save(inner)]));
		}
		return value;
	};
	return { saved: save(parameters) as INodeParameters, variables: { perItem } as IDataObject };
}

/** Runs `nodeUnderTest`'s `execute` inside n8n-core. */
export function nodeRunner(nodeUnderTest: NodeUnderTest): NodeRunner {
	const nodeType = new nodeUnderTest.nodeType();
	const credentialType = new nodeUnderTest.credentialType();
	const { description } = nodeType;
	const credential = nodeUnderTest.credential ?? {
		id: `${credentialType.name}-credential`,
		name: `${credentialType.displayName} account`,
	};

	return async (store, options) => {
		const items =
			typeof options.items === 'object'
				? options.items
				: Array.from({ length: options.items ?? 1 }, (_, index) => ({ json: { index } }));
		const { saved, variables } = saveParameters(options.parameters, items.length);
		const node: INode = {
			id: `${description.name}-node`,
			name: String(description.defaults.name ?? description.displayName),
			type: nodeUnderTest.nodeTypeName ?? `n8n-nodes-token-auth.${description.name}`,
			typeVersion: Array.isArray(description.version) ? Math.max(...description.version) : description.version,
			position: [0, 0],
			parameters: saved,
			credentials: { [credentialType.name]: credential },
			// "On Error: Continue", as the editor saves it (BaseExecuteContext.continueOnFail reads it).
			...(options.continueOnFail === true ? { onError: 'continueRegularOutput' as const } : {}),
		};
		const credentialsHelper = n8nCredentialsHelper(
			[credentialType],
			[{ ...credential, type: credentialType.name, store }],
		);
		const { context, cancel } = executeContext({ nodeType, node, items, credentialsHelper, variables });
		options.onStart?.({ cancel });
		const sentRequests: IHttpRequestOptions[] = [];

		// Records and counts the node's authenticated requests, around n8n-core's own helper.
		const { helpers } = context;
		const httpRequestWithAuthentication = helpers.httpRequestWithAuthentication;
		helpers.httpRequestWithAuthentication = async function (
			this: unknown,
			type: string,
			requestOptions: IHttpRequestOptions,
			...rest: unknown[]
		) {
			sentRequests.push(requestOptions);
			store.inFlight++;
			store.maxInFlight = Math.max(store.maxInFlight, store.inFlight);
			try {
				return await (httpRequestWithAuthentication as (...args: unknown[]) => Promise<unknown>).call(
					this,
					type,
					requestOptions,
					...rest,
				);
			} finally {
				store.inFlight--;
			}
		} as typeof httpRequestWithAuthentication;

		if (!nodeType.execute) throw new Error(`${node.type} has no execute method`);
		const outputs = ((await nodeType.execute.call(context)) ?? []) as INodeExecutionData[][];
		return { output: outputs[0] ?? [], outputs, storedCredential: store.data, sentRequests };
	};
}
