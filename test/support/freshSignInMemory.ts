/**
 * Each unit test starts as a freshly started n8n process would: with no sign-in remembered (refusals,
 * texted codes, issued tokens). Tests that pin what is remembered do so within one test.
 */
import { clearPauses } from '../../requestEngine';
import { clearSignInMemory } from '../../tokenLifecycle';
import { clearRenewals } from '../../tokenLifecycle/renewalInFlight';

beforeEach(() => {
	clearSignInMemory();
	clearRenewals();
	clearPauses();
});
