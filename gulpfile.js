// n8n loads node icons and codex files (*.node.json: categories, documentation links) from beside the
// compiled files, so copy them into dist/.
const { src, dest } = require('gulp');

function copyIcons() {
	return src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json', 'credentials/**/*.{png,svg}'], {
			base: '.',
			encoding: false,
		}).pipe(
		dest('dist'),
	);
}

exports['build:icons'] = copyIcons;
