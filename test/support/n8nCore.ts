/**
 * n8n-core 1.122 (the line n8n 1.123 runs on), set up as an n8n process sets it up, so unit tests
 * run nodes and credentials through n8n's own ExecuteContext and request helpers.
 *
 * n8n-core reads a few services from its dependency-injection container. The only one that would
 * touch the machine is InstanceSettings (it writes `~/.n8n/config` with the encryption key), so it
 * is built here on a temporary folder, removed at once: the settings stay in memory.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { ExecuteContext, InstanceSettings } from 'n8n-core';
import {
	NodeHelpers,
	UnexpectedError,
	Workflow,
	createRunExecutionData,
	type ICredentialsHelper,
	type IDataObject,
	type IExecuteData,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

type Service<T> = abstract new (...args: never[]) => T;
interface DiContainer {
	get<T>(service: Service<T>): T;
	set<T>(service: Service<T>, instance: T): void;
}

/**
 * n8n-core pins its own @n8n/di and @n8n/backend-common (older than the ones @n8n/node-cli brings),
 * so they are loaded from n8n-core's folder: a service registered in another copy is not seen.
 * (Through jest's `require`, so the instance is the one n8n-core itself gets.)
 */
function fromN8nCore<T>(moduleName: string): T {
	const coreFolder = dirname(require.resolve('n8n-core/package.json'));
	return require(require.resolve(moduleName, { paths: [coreFolder] })) as T;
}

const { Container } = fromN8nCore<{ Container: DiContainer }>('@n8n/di');
const { Logger } = fromN8nCore<{ Logger: Service<unknown> }>('@n8n/backend-common');

let started = false;
let shutDown: (() => void) | undefined;

/** Registers what n8n-core needs before the first context is built; once per module registry. */
export function startN8nCore(): void {
	if (started) return;
	started = true;
	const folder = mkdtempSync(join(tmpdir(), 'n8n-core-unit-'));
	try {
		const config = {
			n8nFolder: folder,
			userHome: folder,
			encryptionKey: randomBytes(24).toString('base64'),
			enforceSettingsFilePermissions: true,
		};
		const settings = new InstanceSettings(config as never, Container.get(Logger) as never);
		Container.set(InstanceSettings, settings);
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}

	// Every ExecuteContext gets the SSH tunnel helpers, whose manager keeps a cleanup interval and an
	// exit listener until n8n shuts down. A test file ends long before its process: shut it down then.
	const { SSHClientsManager } = fromN8nCore<{ SSHClientsManager: Service<{ onShutdown(): void }> }>(
		'n8n-core/dist/execution-engine/ssh-clients-manager',
	);
	const exitListeners = process.listeners('exit');
	const sshClients = Container.get(SSHClientsManager);
	const added = process.listeners('exit').filter((listener) => !exitListeners.includes(listener));
	shutDown = () => {
		sshClients.onShutdown();
		for (const listener of added) process.off('exit', listener);
	};
}

// Registered when a test file loads this module (hooks cannot be added from inside a test).
if (typeof afterAll === 'function') afterAll(() => shutDown?.());

/**
 * n8n-core's `helpers.httpRequest` (axios), the one nodes and credentials get in n8n. n8n-core's index
 * does not export the request helpers on their own; ExecuteContext builds its helpers from this module.
 */
export { httpRequest } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';

export interface ContextOptions {
	/** The node's type, registered under `node.type` for this workflow. */
	nodeType: INodeType;
	/** The node as saved in the workflow: its parameters get their defaults when the workflow is built. */
	node: INode;
	/** Its input items (one connection, the main one). */
	items: INodeExecutionData[];
	credentialsHelper: ICredentialsHelper;
	/** The instance's variables (`$vars` in expressions). */
	variables?: IDataObject;
}

/**
 * n8n-core's ExecuteContext for one node of a one-node workflow, built as WorkflowExecute's
 * `executeNode` builds it (n8n-core 1.122 workflow-execute.js), with an execution cancel signal.
 */
export function executeContext(options: ContextOptions): { context: ExecuteContext; cancel: AbortController } {
	startN8nCore();
	const { nodeType, items, credentialsHelper } = options;
	const nodeTypes: INodeTypes = {
		getByName: (type) => (type === options.node.type ? nodeType : (undefined as never)),
		getByNameAndVersion: (type, version) => {
			if (type !== options.node.type) throw new UnexpectedError('Unrecognized node type', { tags: { type } });
			return NodeHelpers.getVersionedNodeType(nodeType, version);
		},
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({
		id: 'unit-test-workflow',
		name: 'Unit test',
		nodes: [options.node],
		connections: {},
		active: false,
		nodeTypes,
		settings: {},
	});
	const node = workflow.getNode(options.node.name)!;
	const notInUnitTests = (what: string) => async () => {
		throw new UnexpectedError(`${what} is not available to unit tests`);
	};
	const additionalData = {
		credentialsHelper,
		executionId: 'unit-test-execution',
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		variables: options.variables ?? {},
		executeWorkflow: notInUnitTests('executeWorkflow'),
		getRunExecutionData: notInUnitTests('getRunExecutionData'),
		startRunnerTask: notInUnitTests('startRunnerTask'),
		logAiEvent: () => undefined,
	} as unknown as IWorkflowExecuteAdditionalData;
	const inputData = { main: [items] };
	const executeData: IExecuteData = { node, data: inputData, source: null };
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [executeData] },
	});
	const cancel = new AbortController();
	// As WorkflowExecute does: every request of every item listens to the execution's signal.
	setMaxListeners(Infinity, cancel.signal);
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'manual',
		runExecutionData,
		0,
		items,
		inputData,
		executeData,
		[],
		cancel.signal,
	);
	return { context, cancel };
}

/** A node type that does nothing: what a workflow needs around an expression that reads no node. */
const noOpNodeType: INodeType = {
	description: {
		displayName: 'No Operation',
		name: 'noOp',
		group: ['transform'],
		version: 1,
		description: '',
		defaults: { name: 'No Operation' },
		inputs: ['main'] as INodeType['description']['inputs'],
		outputs: ['main'] as INodeType['description']['outputs'],
		properties: [],
	},
};

/**
 * A credential's expression (its test request's fields) as n8n resolves it: n8n-workflow's own
 * expression engine with `$credentials`, the way n8n's credentials helper resolves them.
 */
export function resolveCredentialExpression(expression: string, credentials: IDataObject): unknown {
	const node: INode = {
		id: 'credential-test',
		name: 'No Operation',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: { getByName: () => noOpNodeType, getByNameAndVersion: () => noOpNodeType, getKnownTypes: () => ({}) },
	});
	return workflow.expression.getSimpleParameterValue(node, expression, 'internal', { $credentials: credentials });
}
