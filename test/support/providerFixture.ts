/**
 * A bundled provider server for one test file: call `providerFixture(createX)` at the file's top
 * level. It registers the jest hooks every such file needs (start before all tests, stop after,
 * and before each test an empty request log and no faults or latency left over) and answers the
 * provider, its server and the server's address once it listens.
 */
import { ProviderServer, type ProviderDefinition } from '../providers/providerServer';

export interface ProviderFixture<P extends ProviderDefinition> {
	provider: P;
	server: ProviderServer;
	/** The server's address, e.g. `http://127.0.0.1:41234` (only once it listens: inside tests and hooks). */
	baseUrl(): string;
}

export function providerFixture<P extends ProviderDefinition>(create: () => P): ProviderFixture<P> {
	const provider = create();
	const server = new ProviderServer(provider);
	beforeAll(async () => {
		await server.listen();
	});
	afterAll(async () => await server.close());
	beforeEach(() => {
		server.clearLog();
		server.resetFaults();
	});
	return { provider, server, baseUrl: () => server.url };
}
