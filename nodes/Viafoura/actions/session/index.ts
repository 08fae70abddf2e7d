import type { INodeProperties } from 'n8n-workflow';

import * as login from './login.operation';
import * as logout from './logout.operation';

export const operations = { login, logout };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['session'] } },
		options: [
			{
				name: 'Log In',
				value: 'login',
				action: 'Log a reader in',
				description: 'Create or update the Viafoura user for one of your readers and start a Viafoura session',
			},
			{
				name: 'Log Out',
				value: 'logout',
				action: 'Log a reader out',
				description: 'End a Viafoura session',
			},
		],
		default: 'login',
	},
	...login.description,
	...logout.description,
];
