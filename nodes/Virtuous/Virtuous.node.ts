import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { concurrencyProperty, requestOptionsProperty } from '../../nodeExecution/nodeRequests';
import { runNodeOperation } from '../../nodeExecution/router';
import { virtuous } from '../../providers/virtuous/client';
import * as apiRequest from './actions/apiRequest';
import * as organization from './actions/organization';

export class Virtuous implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Virtuous',
		name: 'virtuous',
		icon: { light: 'file:virtuous.svg', dark: 'file:virtuous.dark.svg' },
		group: ['transform'],
		version: 1,
		// An API request reads best as what it sends, like the HTTP Request node's method and URL.
		subtitle:
			'={{ $parameter["resource"] === "apiRequest" ? $parameter["method"] + " " + $parameter["path"] : $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Call the Virtuous CRM API with a credential that signs in by API key or by email and password',
		defaults: { name: 'Virtuous' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'virtuousApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'API Request', value: 'apiRequest' },
					{ name: 'Organization', value: 'organization' },
				],
				default: 'organization',
			},
			...apiRequest.description,
			...organization.description,
			concurrencyProperty('Virtuous'),
			requestOptionsProperty,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runNodeOperation(this, virtuous, {
			apiRequest: apiRequest.operations,
			organization: organization.operations,
		});
	}
}
