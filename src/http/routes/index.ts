import type { AmiqRoutePlugin } from '../deps.js';
import { changesRoutes } from './changes.js';
import { healthRoutes } from './health.js';
import { metricsRoutes } from './metrics.js';
import { openapiRoutes } from './openapi.js';

/** Every route group the server registers, in order. Add a group here (one file per group). */
export const ROUTES: readonly AmiqRoutePlugin[] = [healthRoutes, openapiRoutes, changesRoutes(), metricsRoutes];
