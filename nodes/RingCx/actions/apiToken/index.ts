import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteToken from './delete.operation';
import * as getAll from './getAll.operation';

export const operations = { create, delete: deleteToken, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['apiToken'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a permanent API token',
				description: "Create a permanent API token for the credential's user",
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a permanent API token',
				description: 'Delete a permanent API token',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many permanent API tokens',
				description: "List the permanent API tokens of the credential's user",
			},
		],
		default: 'getAll',
	},
	...create.description,
	...deleteToken.description,
	...getAll.description,
];
