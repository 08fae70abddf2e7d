// The first step of `npm start` and `npm test`: stop at once, with what to install, on a Node.js that
// n8n 2.x and this project's toolchain do not support. npm 10.9+ checks package.json's devEngines
// itself during `npm install`; npm 10.8 (Node 20's) does not, so the commands after it check here.
// Plain JavaScript that any Node.js runs, so that the message is shown however old Node is.
var required = { major: 22, minor: 16 };
var current = process.versions.node.split('.').map(Number);
if (current[0] < required.major || (current[0] === required.major && current[1] < required.minor)) {
	process.stderr.write(
		'This project needs Node.js ' +
			required.major +
			'.' +
			required.minor +
			' or later (24 recommended, see .nvmrc);\n' +
			'this is Node.js ' +
			process.versions.node +
			'. Install Node.js 24 (`nvm install` in this folder reads .nvmrc,\n' +
			'or https://nodejs.org), then run `npm install` and the command again.\n',
	);
	process.exit(1);
}
