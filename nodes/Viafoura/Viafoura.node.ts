import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { DEFAULT_CONCURRENCY, router } from './actions/router';
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
			{
				displayName: 'Max Concurrent Requests',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_CONCURRENCY,
				description:
					'How many items are sent to Viafoura at the same time. Output items keep the order of the input items.',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
