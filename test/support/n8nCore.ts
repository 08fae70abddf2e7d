/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- not shipped: runs in Node, not inside n8n */
/**
 * n8n-core 2.41 (the release n8n 2.41.1 runs on), set up as an n8n process sets it up, so unit tests
 * run nodes and credentials through n8n's own ExecuteContext and request helpers.
 *
 * n8n-core reads a few services from its dependency-injection container (@n8n/di, the copy n8n-core
 * itself uses). The only one that would touch the machine is InstanceSettings (it writes
 * `~/.n8n/config` with the encryption key), so it is built here on a temporary folder, removed at
 * once: the settings stay in memory.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { ExecuteContext, InstanceSettings } from 'n8n-core';
import {
	NodeHelpers,
	UnexpectedError,
	Workflow,
	createRunExecutionData,
	type ICredentialsHelper,
	type IDataObject,
	type IExecuteData,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

let started = false;

/** Registers what n8n-core needs before the first context is built; once per module registry. */
export function startN8nCore(): void {
	if (started) return;
	started = true;
	const folder = mkdtempSync(join(tmpdir(), 'n8n-core-unit-'));
	try {
		const config = { n8nFolder: folder, userHome: folder, encryptionKey: randomBytes(24).toString('base64') };
		Container.set(InstanceSettings, new InstanceSettings(config as never, Container.get(Logger)));
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}

// Every ExecuteContext gets the SSH tunnel helpers, whose manager adds a process exit listener until
// n8n shuts down. A test file ends long before its worker process: drop the listeners it added then.
const exitListenersBefore = process.listeners('exit');
if (typeof afterAll === 'function') {
	afterAll(() => {
		for (const listener of process.listeners('exit')) {
			if (!exitListenersBefore.includes(listener)) process.off('exit', listener);
		}
	});
}

/**
 * n8n-core's `helpers.httpRequest` (axios behind n8n's outbound HTTP service), the one nodes get in
 * n8n and credentials get in `preAuthentication`: taken from a real ExecuteContext.
 */
export async function httpRequest(options: IHttpRequestOptions): Promise<unknown> {
	sharedHelpers ??= executeContext({
		nodeType: noOpNodeType,
		node: { id: 'helpers', name: 'No Operation', type: 'noOp', typeVersion: 1, position: [0, 0], parameters: {} },
		items: [{ json: {} }],
		credentialsHelper: undefined as never,
	}).context.helpers;
	return await sharedHelpers.httpRequest(options);
}
let sharedHelpers: ExecuteContext['helpers'] | undefined;

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
 * `executeNode` builds it (n8n-core 2.41 workflow-execute.js), with an execution cancel signal.
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
