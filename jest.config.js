/**
 * Unit tests (test/unit/) talk HTTP to the bundled provider servers; e2e tests (test/e2e/, test/n8n/,
 * test/browser/) run workflows inside a real n8n. No test lives under nodes/ or credentials/: n8n's
 * scanner lints those folders as shipped code.
 * Jest reads `testTimeout` only globally, so every e2e file sets its own with jest.setTimeout().
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

module.exports = {
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/scripts/**/*.test.ts'],
			testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.e2e\\.test\\.ts$'],
			setupFilesAfterEnv: ['<rootDir>/test/support/freshSignInMemory.ts'],
		},
		{
			displayName: 'e2e',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/**/*.e2e.test.ts', '<rootDir>/scripts/**/*.e2e.test.ts'],
			testPathIgnorePatterns: ['/node_modules/', '/dist/'],
		},
	],
};
