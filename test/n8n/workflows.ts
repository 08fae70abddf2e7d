/**
 * Workflows as the e2e tests build them, the way a user does in the editor: a manual trigger, rows
 * turned into one item each, the package's nodes with their credentials, and n8n's HTTP Request node
 * with a "Predefined Credential Type".
 */
import type { IDataObject } from 'n8n-workflow';

import type { WorkflowFixture, WorkflowNodeFixture } from './testBed';

export const MANUAL_TRIGGER: WorkflowNodeFixture = {
	name: 'Start',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
};

type Connections = Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;

/** A workflow started by hand: every chain runs from the manual trigger, its nodes one after another. */
export function manualWorkflow(name: string, ...chains: WorkflowNodeFixture[][]): WorkflowFixture {
	const connections: Connections = {};
	for (const chain of chains) {
		[MANUAL_TRIGGER, ...chain].slice(0, -1).forEach((node, i) => {
			connections[node.name] ??= { main: [[]] };
			connections[node.name].main[0].push({ node: chain[i].name, type: 'main', index: 0 });
		});
	}
	return { name, nodes: [MANUAL_TRIGGER, ...chains.flat()], connections };
}

/** `rows` as one item each: a Set node that holds them, then Split Out. */
export function itemsOf(rows: IDataObject[]): WorkflowNodeFixture[] {
	return [
		{
			name: 'Rows',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: { mode: 'raw', jsonOutput: JSON.stringify({ rows }), options: {} },
		},
		{
			name: 'One Item Each',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			parameters: { fieldToSplitOut: 'rows', options: {} },
		},
	];
}

/** A reference to a stored credential, as a workflow holds it. */
export interface CredentialRef {
	id: string;
	name: string;
}

const CREDENTIAL_TYPES = { ringCx: 'ringCxApi', satellite: 'satelliteApi', viafoura: 'viafouraApi' } as const;

/** One of this package's nodes, signed in with `credential`. */
export function packageNode(
	type: keyof typeof CREDENTIAL_TYPES,
	name: string,
	parameters: IDataObject,
	credential: CredentialRef,
	extra: Partial<WorkflowNodeFixture> = {},
): WorkflowNodeFixture {
	return {
		name,
		type: `n8n-nodes-token-auth.${type}`,
		typeVersion: 1,
		parameters,
		credentials: { [CREDENTIAL_TYPES[type]]: credential },
		...extra,
	};
}

/** n8n's HTTP Request node with "Predefined Credential Type": how users call an API with one of these credentials. */
export function httpRequestNode(
	name: string,
	credentialType: string,
	credential: CredentialRef,
	parameters: IDataObject,
	extra: Partial<WorkflowNodeFixture> = {},
): WorkflowNodeFixture {
	return {
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			authentication: 'predefinedCredentialType',
			nodeCredentialType: credentialType,
			options: {},
			...parameters,
		},
		credentials: { [credentialType]: credential },
		...extra,
	};
}
