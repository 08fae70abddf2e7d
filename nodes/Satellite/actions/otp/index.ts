import type { INodeProperties } from 'n8n-workflow';

import * as send from './send.operation';
import * as verify from './verify.operation';

export const operations = { send, verify };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['otp'] } },
		options: [
			{
				name: 'Send',
				value: 'send',
				action: 'Send a one time password',
				description: 'Send a one-time password to a user by email or SMS',
			},
			{
				name: 'Verify',
				value: 'verify',
				action: 'Verify a one time password',
				description: "Exchange a one-time password for that user's access and refresh tokens",
			},
		],
		default: 'send',
	},
	...send.description,
	...verify.description,
];
