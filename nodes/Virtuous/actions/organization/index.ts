import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';

export const operations = { get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['organization'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get the current organization',
				description: "Get the Virtuous organization the credential's login or API key belongs to",
			},
		],
		default: 'get',
	},
	...get.description,
];
