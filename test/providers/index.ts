/**
 * Every bundled provider server, by name. `npm run providers` starts them all; tests start the
 * ones they need in-process.
 */
import { ProviderServer, type ProviderDefinition } from './providerServer';
import { createRingCx } from './ringcx';
import { createSatellite } from './satellite';
import { createViafoura } from './viafoura';
import { createVirtuous } from './virtuous';

export const PROVIDERS: Record<string, { create: () => ProviderDefinition; defaultPort: number }> = {
	ringcx: { create: createRingCx, defaultPort: 5771 },
	virtuous: { create: createVirtuous, defaultPort: 5772 },
	satellite: { create: createSatellite, defaultPort: 5773 },
	viafoura: { create: createViafoura, defaultPort: 5774 },
};

export type ProviderName = keyof typeof PROVIDERS;

export interface RunningProviders {
	servers: Record<string, ProviderServer>;
	close(): Promise<void>;
}

/**
 * Starts the named providers (all by default). `ports` maps a provider to its port; 0 picks a free
 * one. A busy port fails with a message that says which provider and how to pick another.
 */
export async function startProviders(
	names: string[] = Object.keys(PROVIDERS),
	ports: Record<string, number> = {},
	host = '127.0.0.1',
): Promise<RunningProviders> {
	const servers: Record<string, ProviderServer> = {};
	const close = async () => {
		await Promise.all(Object.values(servers).map(async (server) => await server.close()));
	};
	for (const name of names) {
		const entry = PROVIDERS[name];
		if (!entry) throw new Error(`Unknown provider "${name}". Known: ${Object.keys(PROVIDERS).join(', ')}`);
		const server = new ProviderServer(entry.create());
		const port = ports[name] ?? 0;
		try {
			await server.listen(port, host);
		} catch (error) {
			await close();
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'EADDRINUSE') {
				throw new Error(
					`Port ${port} for the ${name} provider server is already in use. Stop whatever uses it, or set ${portVariable(name)} to another port.`,
				);
			}
			throw error;
		}
		servers[name] = server;
	}
	return { servers, close };
}

export function portVariable(name: string): string {
	return `PROVIDER_PORT_${name.toUpperCase()}`;
}
