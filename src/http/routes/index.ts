import type { AmiqRoutePlugin } from '../deps.js';
import { changesRoutes } from './changes.js';
import { channelsRoutes } from './channels.js';
import { conferencesRoutes } from './conferences.js';
import { dashboardRoutes } from './dashboard.js';
import { enqueueRoutes } from './rows-enqueue.js';
import { healthRoutes } from './health.js';
import { metricsRoutes } from './metrics.js';
import { openapiRoutes } from './openapi.js';
import { cancelRoutes } from './rows-cancel.js';
import { readRoutes } from './rows-read.js';
import { statusRoutes } from './status.js';

/** Every route group the server registers, in order. Add a group here (one file per group). */
export const ROUTES: readonly AmiqRoutePlugin[] = [
  healthRoutes,
  openapiRoutes,
  enqueueRoutes,
  readRoutes,
  cancelRoutes,
  statusRoutes,
  channelsRoutes,
  conferencesRoutes,
  changesRoutes(),
  metricsRoutes,
  dashboardRoutes,
];
