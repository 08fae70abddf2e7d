/**
 * The credentials helper n8n-core calls for every credential read and authenticated request
 * (`additionalData.credentialsHelper`), with a credential table in memory instead of n8n's database.
 *
 * The methods follow n8n's own CredentialsHelper of the same line: packages/cli/src/credentials-helper.ts
 * of n8n 1.123.81 (the n8n release that pins n8n-core 1.122.48), read from its published
 * dist/credentials-helper.js. In short:
 * - `getDecrypted` decrypts the stored row afresh on every call (a new object each time), applies the
 *   credential type's defaults (NodeHelpers.getNodeParameters) and resolves expressions;
 * - `preAuthentication` calls the type's `preAuthentication` when its first hidden `expirable` field is
 *   empty or the caller says the credentials expired; when the answer holds that field it saves the
 *   credentials object with the answer merged in (`updateCredentials`) and returns it;
 * - `authenticate` applies the type's `authenticate` (a function, or a declarative generic one).
 * Left out, as they need n8n's database or settings: credential overwrites, managed OAuth fields and
 * external secrets (`$secrets` is off, as for a credential whose owner may not use them).
 */
import { Credentials, getAdditionalKeys } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	UnexpectedError,
	isExpression,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type ICredentialsExpressionResolveValues,
	type IExecuteData,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeParameters,
	type INodeProperties,
	type INodeTypes,
	type IRequestOptionsSimplified,
	type IWorkflowDataProxyAdditionalKeys,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { startN8nCore } from './n8nCore';

/**
 * One row of n8n's credentials table: the data encrypted with the instance's key, as n8n stores it,
 * plus what tests count.
 */
export class CredentialStore {
	/** How often the credential was decrypted for use (`getDecrypted`: a node's `getCredentials`, or n8n's own read). */
	reads = 0;

	/** How often n8n saved into it (`updateCredentials`: what `preAuthentication` returned). */
	writes = 0;

	/** Most authenticated requests under way at once, across runs (counted by the node runner). */
	maxInFlight = 0;

	/** Authenticated requests under way now. */
	inFlight = 0;

	private encrypted: string;

	constructor(data: ICredentialDataDecryptedObject) {
		startN8nCore();
		this.encrypted = CredentialStore.encrypt(data);
	}

	private static encrypt(data: ICredentialDataDecryptedObject): string {
		const credentials = new Credentials({ id: null, name: '' }, '');
		credentials.setData(data);
		return credentials.getDataToSave().data as string;
	}

	/** The stored fields, decrypted: what n8n's database holds now. */
	get data(): ICredentialDataDecryptedObject {
		return new Credentials({ id: null, name: '' }, '', this.encrypted).getData();
	}

	/** The same as `data` (kept for the tests that call it). */
	raw(): ICredentialDataDecryptedObject {
		return this.data;
	}

	/** The row as n8n-core's Credentials class reads it from the database. */
	load(details: INodeCredentialsDetails, type: string): Credentials {
		return new Credentials({ id: details.id, name: details.name }, type, this.encrypted);
	}

	/** The row after n8n saved `credentials` (`credentialsRepository.update`). */
	save(credentials: Credentials): void {
		this.writes++;
		this.encrypted = credentials.getDataToSave().data as string;
	}
}

export interface StoredCredentialRow {
	id: string;
	name: string;
	type: string;
	store: CredentialStore;
}

/** What credentials-helper.js uses to resolve expressions outside an execution. */
const mockNode: INode = { id: 'mock', name: '', typeVersion: 1, type: 'mock', position: [0, 0], parameters: {} };
const mockNodeTypes: INodeTypes = {
	getKnownTypes: () => ({}),
	getByName: () => undefined as never,
	getByNameAndVersion: (nodeType, version) => {
		if (nodeType !== 'mock') throw new UnexpectedError('Unknown node type', { tags: { nodeType } });
		return NodeHelpers.getVersionedNodeType({ description: { properties: [] } } as never, version);
	},
};

export class N8nCredentialsHelper extends ICredentialsHelper {
	private readonly types = new Map<string, ICredentialType>();

	constructor(
		credentialTypes: ICredentialType[],
		private readonly rows: StoredCredentialRow[],
	) {
		super();
		startN8nCore();
		for (const type of credentialTypes) this.types.set(type.name, type);
	}

	/** CredentialTypes.getByName. */
	private typeNamed(name: string): ICredentialType {
		const type = this.types.get(name);
		if (!type) throw new UnexpectedError(`Unknown credential type: ${name}`);
		return type;
	}

	private rowOf(details: INodeCredentialsDetails, type: string): StoredCredentialRow {
		if (!details.id) throw new UnexpectedError('Found credential with no ID.', { tags: { credentialType: type } });
		const row = this.rows.find((candidate) => candidate.id === details.id && candidate.type === type);
		// CredentialNotFoundError's message.
		if (!row) throw new UnexpectedError(`Credential with ID "${details.id}" does not exist for type "${type}".`);
		return row;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions;
		const { authenticate } = this.typeNamed(typeName);
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (typeof authenticate === 'object') {
			requestOptions.headers ??= {};
			if (authenticate.type === 'generic') {
				for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
					for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
						const keyResolved = this.resolveValue(key, { $credentials: credentials }, workflow, node);
						const valueResolved = this.resolveValue(value, { $credentials: credentials }, workflow, node);
						const target = requestOptions as unknown as Record<string, Record<string, string>>;
						target[outerKey] ??= {};
						target[outerKey][keyResolved] = valueResolved;
					}
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.typeNamed(typeName);
		const expirableProperty = credentialType.properties.find(
			(property) => property.type === 'hidden' && property?.typeOptions?.expirable === true,
		);
		if (expirableProperty?.name === undefined) return undefined;
		// n8n's credential test runs with a NoOp node whose `temp` parameter is empty.
		const isTestingCredentials = node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		if (credentials[expirableProperty.name] !== '' && !credentialsExpired && !isTestingCredentials) return undefined;

		// 1.x passes the node's whole helper object (2.x narrows it to `httpRequest`).
		const output = await credentialType.preAuthentication.call(helpers, credentials);
		// Only an answer holding the expirable field is saved (and returned).
		if (output[expirableProperty.name] === undefined) return undefined;
		if (node.credentials) {
			await this.updateCredentials(
				node.credentials[credentialType.name],
				credentialType.name,
				Object.assign(credentials, output),
			);
			return Object.assign(credentials, output);
		}
		return undefined;
	}

	private resolveValue(
		parameterValue: string,
		additionalKeys: IWorkflowDataProxyAdditionalKeys,
		workflow: Workflow,
		node: INode,
	): string {
		if (!isExpression(parameterValue)) return parameterValue;
		const returnValue = workflow.expression.getSimpleParameterValue(
			node,
			parameterValue,
			'internal',
			additionalKeys,
			undefined,
			'',
		);
		return returnValue ? returnValue.toString() : '';
	}

	getParentTypes(typeName: string): string[] {
		// CredentialTypes.getParentTypes: every type it extends, directly or not.
		const parents = this.types.get(typeName)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<Credentials> {
		return this.rowOf(nodeCredentials, type).store.load(nodeCredentials, type);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialTypeData = this.typeNamed(type);
		if (credentialTypeData.extends === undefined) {
			if (['oAuth1Api', 'oAuth2Api'].includes(type)) {
				return [
					...credentialTypeData.properties,
					{ displayName: 'oauthTokenData', name: 'oauthTokenData', type: 'json', required: false, default: {} },
				];
			}
			return credentialTypeData.properties;
		}
		const combineProperties: INodeProperties[] = [];
		for (const credentialsTypeName of credentialTypeData.extends) {
			NodeHelpers.mergeNodeProperties(combineProperties, this.getCredentialsProperties(credentialsTypeName));
		}
		NodeHelpers.mergeNodeProperties(combineProperties, credentialTypeData.properties);
		return combineProperties;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const credentials = await this.getCredentials(nodeCredentials, type);
		const decryptedDataOriginal = credentials.getData();
		if (raw === true) return decryptedDataOriginal;
		this.rowOf(nodeCredentials, type).store.reads++;
		return await this.applyDefaultsAndOverwrites(
			additionalData,
			decryptedDataOriginal,
			type,
			mode,
			executeData,
			expressionResolveValues,
		);
	}

	private async applyDefaultsAndOverwrites(
		additionalData: IWorkflowExecuteAdditionalData,
		decryptedDataOriginal: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const credentialsProperties = this.getCredentialsProperties(type);
		let decryptedData = NodeHelpers.getNodeParameters(
			credentialsProperties,
			decryptedDataOriginal as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (decryptedDataOriginal.oauthTokenData !== undefined) {
			decryptedData.oauthTokenData = decryptedDataOriginal.oauthTokenData;
		}
		for (const kept of ['allowedHttpRequestDomains', 'allowedDomains']) {
			if (decryptedData[kept] === undefined && decryptedDataOriginal[kept] !== undefined) {
				decryptedData[kept] = decryptedDataOriginal[kept];
			}
		}
		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { secretsEnabled: false });
		if (expressionResolveValues) {
			try {
				decryptedData = expressionResolveValues.workflow.expression.getParameterValue(
					decryptedData as INodeParameters,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					decryptedData,
				) as ICredentialDataDecryptedObject;
			} catch (error) {
				(error as Error).message += ' [Error resolving credentials]';
				throw error;
			}
		} else {
			const workflow = new Workflow({ nodes: [mockNode], connections: {}, active: false, nodeTypes: mockNodeTypes });
			await workflow.expression.acquireIsolate();
			try {
				decryptedData = workflow.expression.getComplexParameterValue(
					mockNode,
					decryptedData as INodeParameters,
					mode,
					additionalKeys,
					undefined,
					undefined,
					decryptedData,
				) as ICredentialDataDecryptedObject;
			} finally {
				await workflow.expression.releaseIsolate();
			}
		}
		return decryptedData;
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const credentials = await this.getCredentials(nodeCredentials, type);
		credentials.setData(data);
		this.rowOf(nodeCredentials, type).store.save(credentials);
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const credentials = await this.getCredentials(nodeCredentials, type);
		credentials.updateData({ oauthTokenData: data.oauthTokenData });
		this.rowOf(nodeCredentials, type).store.save(credentials);
	}
}
