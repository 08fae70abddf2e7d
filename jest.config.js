/** Unit tests talk HTTP to the bundled provider servers; e2e tests run workflows inside a real n8n. */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

module.exports = {
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/**/*.test.ts'],
			testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.e2e\\.test\\.ts$'],
		},
		{
			displayName: 'e2e',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/**/*.e2e.test.ts'],
			testPathIgnorePatterns: ['/node_modules/', '/dist/'],
			testTimeout: 15 * 60 * 1000,
		},
	],
};
