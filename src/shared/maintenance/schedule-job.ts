import { schedule, validate, type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';

export interface Job {
  /** Stop scheduling; waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Run fn on a node-cron schedule (with seconds), never two runs at once; a failed run is logged
 * and the next one tries again. Throws at once on a bad expression, naming it.
 */
export function scheduleJob(expression: string, name: string, fn: () => Promise<unknown>, logger: Logger): Job {
  if (!validate(expression)) throw new Error(`${name}: invalid node-cron schedule ${JSON.stringify(expression)}`);
  let running: Promise<void> | undefined;
  const run = (): Promise<void> => {
    running = fn().then(
      () => undefined,
      (err: unknown) => logger.error({ err, job: name }, `${name}: run failed`),
    );
    return running;
  };
  const task: ScheduledTask = schedule(expression, run, {
    name,
    noOverlap: true,
    logger: {
      info: (m) => logger.debug({ job: name }, m),
      warn: (m) => logger.warn({ job: name }, m),
      error: (m, err) => logger.error({ job: name, err: err ?? m }, 'node-cron error'),
      debug: (m) => logger.debug({ job: name }, String(m)),
    },
  });
  return {
    async stop() {
      await task.destroy();
      await running;
    },
  };
}
