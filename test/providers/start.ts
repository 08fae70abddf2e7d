/* eslint-disable @n8n/community-nodes/no-restricted-globals, no-console -- not shipped: runs in Node, not inside n8n */
/**
 * `npm run providers`: starts every bundled provider server on its port (override with
 * PROVIDER_PORT_<NAME>, e.g. PROVIDER_PORT_RINGCENTRAL) and keeps them running until Ctrl-C.
 * RingCX's RingCentral login trusts the RingCentral server started alongside it.
 */
import { PROVIDERS, portVariable, startProviders } from './index';

async function main(): Promise<void> {
	const ports: Record<string, number> = {};
	for (const [name, entry] of Object.entries(PROVIDERS)) {
		ports[name] = Number(process.env[portVariable(name)] ?? entry.defaultPort);
	}
	const running = await startProviders(Object.keys(PROVIDERS), ports);
	for (const [name, server] of Object.entries(running.servers)) {
		console.log(`${name.padEnd(12)} ${server.url}   (control: ${server.url}/__control/log)`);
	}
	const stop = () => {
		void running.close().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
