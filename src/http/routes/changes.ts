import { setMaxListeners } from 'node:events';
import { firstChangeSeq, lastChangeSeq } from '../../shared/db/queue/read-changes.js';
import { scopeOf } from '../auth/auth-hook.js';
import { allowsServer, forbiddenServer } from '../auth/scope.js';
import { canSee } from '../rows/visible-row.js';
import { sharedFeed, stopSharedFeed } from '../change-feed/shared-feed.js';
import { serveSse } from '../change-feed/sse-client.js';
import type { AmiqRoutePlugin } from '../deps.js';
import { HttpError } from '../errors.js';

export interface ChangesRouteOptions {
  /** A comment line this often keeps proxies from closing a quiet stream. */
  heartbeatMs?: number;
  /** How long a hole in the change sequence holds later changes back on PostgreSQL/MySQL (see change-feed/gap-tracker.ts). */
  gapWaitMs?: number;
}

const SEQ = /^\d{1,15}$/;

/**
 * GET /v1/changes: server-sent events, one per change of a row (id: the change's seq; data: the
 * row as it is now), filtered by server and tag and by the token's servers. A client resumes with
 * Last-Event-ID (EventSource sends it by itself) or ?after=<seq> and gets every change it missed,
 * in order; with neither it gets the changes from now on. One change feed per process reads the
 * log for every client.
 */
export function changesRoutes(opts: ChangesRouteOptions = {}): AmiqRoutePlugin {
  return async (app, deps) => {
    const feed = sharedFeed(deps, opts.gapWaitMs);
    // Every stream listens for the server closing: hundreds of listeners on one signal are expected.
    setMaxListeners(0, deps.closing);
    app.addHook('onClose', async () => stopSharedFeed(deps.db));

    app.get<{ Querystring: { server?: string; tag?: string; after?: number } }>(
      '/v1/changes',
      {
        schema: {
          tags: ['changes'],
          summary: 'a server-sent-events stream of row changes, resumable with Last-Event-ID',
          description:
            'Each event: `id` = the change sequence number, `event: change`, `data` = the row as it is now (JSON; `archived: true` once archived, `{id, gone: true}` if deleted). Comment lines keep the stream open when quiet. Resume with the `Last-Event-ID` header or `?after=`: every change after it is sent once, in order (410 when those changes were already pruned, see maintenance.changes_keep_hours).',
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              server: { type: 'string', minLength: 1, description: "only this server's rows" },
              tag: { type: 'string', minLength: 1, description: 'only rows with this tag' },
              after: { type: 'integer', minimum: 0, description: 'resume after this sequence number (as Last-Event-ID)' },
            },
          },
          headers: { type: 'object', properties: { 'last-event-id': { type: 'string', description: 'resume after this sequence number' } } },
          response: {
            200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
            400: { $ref: 'Error#' },
            403: { $ref: 'Error#' },
            410: { $ref: 'Error#' },
          },
        },
      },
      async (request, reply) => {
        const scope = scopeOf(request);
        const { server, tag } = request.query;
        if (server !== undefined && !allowsServer(scope, server)) throw forbiddenServer(scope, server);
        const lastEventId = request.headers['last-event-id'];
        if (typeof lastEventId === 'string' && !SEQ.test(lastEventId.trim()))
          throw new HttpError(400, 'Last-Event-ID: must be a change sequence number (a whole number)', 'Last-Event-ID', 'must be a whole number');
        const resumeFrom = typeof lastEventId === 'string' ? Number(lastEventId.trim()) : request.query.after;

        await feed.start();
        // "From now": the newest change committed, which the feed may not have read yet.
        const after = resumeFrom ?? (await lastChangeSeq(deps.db));
        if (resumeFrom !== undefined) {
          const first = await firstChangeSeq(deps.db);
          if (first > 0 && resumeFrom < first - 1)
            throw new HttpError(
              410,
              `changes after ${resumeFrom} were pruned (the log starts at ${first}); read the rows again, then follow from now`,
              typeof lastEventId === 'string' ? 'Last-Event-ID' : 'query.after',
              'older than maintenance.changes_keep_hours',
            );
        }
        const servers = server !== undefined ? new Set([server]) : scope.servers === 'all' ? undefined : new Set(scope.servers);

        reply.hijack();
        reply.raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          // nginx would otherwise buffer the stream.
          'x-accel-buffering': 'no',
        });
        reply.raw.socket?.setNoDelay(true);
        try {
          await serveSse({
            feed,
            db: deps.db,
            res: reply.raw,
            filter: { servers, tag, canSee: scope.actions === 'all' ? undefined : (row) => canSee(scope, row) },
            after,
            heartbeatMs: opts.heartbeatMs ?? 15_000,
            signal: deps.closing,
          });
        } catch (err) {
          request.log.warn({ err }, 'change stream ended by an error');
          reply.raw.destroy();
        }
      },
    );
  };
}
