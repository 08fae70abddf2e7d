/**
 * Every test lives in one of two folders, so the layout says how a test runs: test/unit/ (seconds, talks
 * HTTP to the bundled provider servers) and test/e2e/ (`*.e2e.test.ts`, runs inside a real n8n, in the
 * browser too). No test lives under nodes/ or credentials/ (n8n's scanner lints those folders as shipped
 * code) nor under scripts/ (tested from test/unit/scripts/ and test/e2e/scripts/).
 * Jest reads `testTimeout` only globally, so every e2e file sets its own with jest.setTimeout().
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

module.exports = {
	// A snapshot that is missing fails instead of being written: the committed ones are the contract.
	ci: true,
	// The built packages (dist/packages/) hold copies of package.json files that are not modules to find.
	modulePathIgnorePatterns: ['<rootDir>/dist/'],
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
			testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.e2e\\.test\\.ts$'],
			setupFilesAfterEnv: ['<rootDir>/test/support/freshSignInMemory.ts'],
		},
		{
			displayName: 'e2e',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
			testPathIgnorePatterns: ['/node_modules/', '/dist/'],
		},
	],
};
