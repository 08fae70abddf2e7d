import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { concurrencyProperty, requestOptionsProperty } from '../../nodeExecution/nodeRequests';
import { runNodeOperation } from '../../nodeExecution/router';
import { satellite } from '../../providers/satellite/client';
import * as otp from './actions/otp';

export class Satellite implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Satellite',
		name: 'satellite',
		icon: { light: 'file:satellite.svg', dark: 'file:satellite.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Send one-time passwords by email or SMS and sign users in with them, through the Satellite REST API',
		defaults: { name: 'Satellite' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'satelliteApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'One-Time Password', value: 'otp' }],
				default: 'otp',
			},
			...otp.description,
			concurrencyProperty('Satellite'),
			requestOptionsProperty,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runNodeOperation(this, satellite, { otp: otp.operations });
	}
}
