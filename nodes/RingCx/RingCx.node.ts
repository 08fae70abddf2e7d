import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { concurrencyProperty, requestOptionsProperty } from '../../nodeExecution/nodeRequests';
import { runNodeOperation } from '../../nodeExecution/router';
import { ringCx } from '../../providers/ringcx/client';
import * as apiToken from './actions/apiToken';
import * as user from './actions/user';

export class RingCx implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'RingCX',
		name: 'ringCx',
		icon: { light: 'file:ringcx.svg', dark: 'file:ringcx.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Manage permanent API tokens and list users of RingCX, with a RingCentral login or on a legacy portal',
		defaults: { name: 'RingCX' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'ringCxApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'API Token', value: 'apiToken' },
					{ name: 'User', value: 'user' },
				],
				default: 'apiToken',
			},
			...apiToken.description,
			...user.description,
			concurrencyProperty('RingCX'),
			requestOptionsProperty,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runNodeOperation(this, ringCx, { apiToken: apiToken.operations, user: user.operations });
	}
}
