/**
 * Unit tests talk HTTP to the bundled provider servers; e2e tests run workflows inside a real n8n.
 * Jest reads `testTimeout` only globally, so every e2e file sets its own with jest.setTimeout().
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

module.exports = {
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/**/*.test.ts'],
			testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.e2e\\.test\\.ts$'],
			setupFilesAfterEnv: ['<rootDir>/test/support/freshSignInMemory.ts'],
		},
		{
			displayName: 'e2e',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/**/*.e2e.test.ts'],
			testPathIgnorePatterns: ['/node_modules/', '/dist/'],
		},
	],
};
