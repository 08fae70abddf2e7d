/**
 * Every provider of the package: adding one is its folder under providers/ (plus its credential and
 * node shells) and a line here.
 */
import type { Provider } from './provider';
import { ringCx } from './ringcx/client';
import { satellite } from './satellite/client';
import { viafoura } from './viafoura/client';
import { virtuous } from './virtuous/client';

export const PROVIDERS: readonly Provider[] = [virtuous, satellite, ringCx, viafoura];

export type { Provider } from './provider';
