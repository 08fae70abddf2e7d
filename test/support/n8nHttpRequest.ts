/**
 * n8n's `helpers.httpRequest` for tests that call credential code directly: n8n-core 1.122's own
 * (axios), no longer an imitation. Kept under this name so the tests' import lines stay as they are.
 */
import { httpRequest } from './n8nCore';

export { httpRequest };

/** The `this` n8n gives `preAuthentication`: helpers with `httpRequest` (all 1.x and 2.x give). */
export const preAuthenticationContext = { helpers: { httpRequest } } as never;
