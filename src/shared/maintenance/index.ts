/** Archive and prune (SPEC §2): each worker schedules the part for the tables it owns. */
export { DEFAULT_MAINTENANCE, resolveMaintenance, type MaintenanceConfig, type MaintenanceSettings, type MaintenanceTask } from './settings.js';
export { archiveTerminalRows, runMaintenance, type MaintenanceOptions, type MaintenanceReport } from './run-maintenance.js';
export { scheduleMaintenance } from './schedule-maintenance.js';
export { scheduleJob, type Job } from './schedule-job.js';
