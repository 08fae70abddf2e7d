import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { concurrencyProperty, requestOptionsProperty } from '../../nodeExecution/nodeRequests';
import { runNodeOperation } from '../../nodeExecution/router';
import { viafoura } from '../../providers/viafoura/client';
import * as session from './actions/session';

export class Viafoura implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Viafoura',
		name: 'viafoura',
		icon: { light: 'file:viafoura.svg', dark: 'file:viafoura.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Log your readers in to and out of Viafoura comments from your own login system',
		defaults: { name: 'Viafoura' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'viafouraApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Session', value: 'session' }],
				default: 'session',
			},
			...session.description,
			concurrencyProperty('Viafoura'),
			requestOptionsProperty,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runNodeOperation(this, viafoura, { session: session.operations });
	}
}
