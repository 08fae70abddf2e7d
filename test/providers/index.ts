/* eslint-disable @n8n/community-nodes/require-node-api-error -- not shipped: runs in Node, not inside n8n */
/**
 * Every bundled provider server, by name. `npm run providers` starts them all; tests start the
 * ones they need in-process.
 */
import { ProviderServer, type ProviderDefinition } from './providerServer';
import { createRingCentral, type RingCentralProvider } from './ringcentral';
import { createRingCx, type RingCxProvider } from './ringcx';
import { createSatellite } from './satellite';
import { createViafoura } from './viafoura';
import { createVirtuous } from './virtuous';

export const PROVIDERS: Record<string, { create: () => ProviderDefinition; defaultPort: number }> = {
	ringcx: { create: createRingCx, defaultPort: 5771 },
	virtuous: { create: createVirtuous, defaultPort: 5772 },
	satellite: { create: createSatellite, defaultPort: 5773 },
	viafoura: { create: createViafoura, defaultPort: 5774 },
	/** The RingCentral platform whose sign-ins RingCX's "RingCentral login" exchanges. */
	ringcentral: { create: createRingCentral, defaultPort: 5775 },
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
	const definitions: Record<string, ProviderDefinition> = {};
	for (const name of names) {
		const entry = PROVIDERS[name];
		if (!entry) throw new Error(`Unknown provider "${name}". Known: ${Object.keys(PROVIDERS).join(', ')}`);
		definitions[name] = entry.create();
	}
	linkProviders(definitions);
	for (const name of names) {
		const server = new ProviderServer(definitions[name]);
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

/**
 * Wires providers that trust each other, as the real services do: RingCX's exchange accepts the
 * RingCentral platform's access tokens. Without the platform running, every exchange is refused.
 */
export function linkProviders(definitions: Record<string, ProviderDefinition>): void {
	const ringCx = definitions.ringcx as RingCxProvider | undefined;
	const ringCentral = definitions.ringcentral as RingCentralProvider | undefined;
	if (ringCx && ringCentral) ringCx.trustRingCentral(ringCentral);
}

export function portVariable(name: string): string {
	return `PROVIDER_PORT_${name.toUpperCase()}`;
}
