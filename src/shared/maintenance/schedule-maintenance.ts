import { runMaintenance, type MaintenanceOptions } from './run-maintenance.js';
import { scheduleJob, type Job } from './schedule-job.js';
import { resolveMaintenance } from './settings.js';

/**
 * What a worker calls at start-up for the tables it owns, e.g. the action-sender
 * `scheduleMaintenance({ db, server, logger, settings: config.maintenance, tasks: ['archive', 'prune-archive'] })`,
 * and `await job.stop()` when it stops.
 */
export function scheduleMaintenance(o: Omit<MaintenanceOptions, 'now'>): Job {
  return scheduleJob(resolveMaintenance(o.settings).schedule, `maintenance(${o.tasks.join(',')})`, () => runMaintenance(o), o.logger);
}
