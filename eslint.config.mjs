// n8n's own community-node rules: the checks n8n runs before it verifies a package.
import { configs } from '@n8n/eslint-plugin-community-nodes';
import tseslint from 'typescript-eslint';

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'scripts/**', '*.config.{js,mjs}', 'gulpfile.js'] },
	{
		files: ['**/*.ts'],
		languageOptions: { parser: tseslint.parser },
	},
	{
		// The package.json rules read the file as a JSON expression, which the TypeScript parser gives.
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
	},
	configs.recommended,
];
