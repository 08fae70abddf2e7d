/* eslint-disable @n8n/community-nodes/no-restricted-imports -- not shipped: runs in Node, not inside n8n */
/**
 * Watches one bundled provider server from the outside (without changing it): requests in flight
 * and their peak, and an optional rate-limit window that answers 429 with Retry-After to every
 * request on a path while it lasts, opened when the run is half-way through.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

import type { ProviderServer } from '../../test/providers/providerServer';

export interface RateLimitWindow {
	/** Path the limit applies to, e.g. `/rest/v1/accounts/login`. */
	path: string;
	/** The window opens when this many requests on `path` have arrived. */
	afterRequests: number;
	/** How long the limit lasts; sent as Retry-After (whole seconds left, at least 1). */
	seconds: number;
}

export class ProviderMeter {
	inFlight = 0;
	peakInFlight = 0;
	/** 429s answered by the window. */
	limited = 0;
	private window?: RateLimitWindow & { seen: number; closesAt?: number };

	constructor(readonly server: ProviderServer) {
		const http = (server as unknown as { server?: Server }).server;
		if (!http) throw new Error(`${server.provider.name} server is not listening`);
		http.on('request', (request: IncomingMessage, response: ServerResponse) => this.onRequest(request, response));
	}

	/** Starts a new measurement: clears the server's log, the peak and any window. */
	reset(window?: RateLimitWindow): void {
		this.server.clearLog();
		this.peakInFlight = this.inFlight;
		this.limited = 0;
		this.window = window ? { ...window, seen: 0 } : undefined;
	}

	private onRequest(request: IncomingMessage, response: ServerResponse): void {
		const path = (request.url ?? '/').split('?')[0];
		if (path.startsWith('/__control/')) return;
		this.inFlight++;
		this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
		response.once('close', () => this.inFlight--);
		const window = this.window;
		if (!window || path !== window.path) return;
		window.seen++;
		const now = Date.now();
		if (window.closesAt === undefined && window.seen > window.afterRequests)
			window.closesAt = now + window.seconds * 1000;
		if (window.closesAt !== undefined && now < window.closesAt) {
			// The provider server answers forced failures before routing; this request is the next on the path.
			this.server.failNext(1, {
				status: 429,
				retryAfter: Math.max(1, Math.ceil((window.closesAt - now) / 1000)),
				pathPrefix: path,
			});
			this.limited++;
		}
	}
}
