import { listRows } from '../../shared/db/queue/list-rows.js';
import { CALL_STATES, QUEUE_STATUSES, type CallState, type QueueStatus } from '../../shared/db/schema.js';
import { listResults } from '../../shared/queue/index.js';
import { visibleServers } from '../auth/scope.js';
import { scopeOf } from '../auth/auth-hook.js';
import type { AmiqRoutePlugin } from '../deps.js';
import { canSee, notFound, visibleRow } from '../rows/visible-row.js';
import { matches, waitForRow, type WaitUntil } from '../rows/wait-for-row.js';
import { instant, wordList } from './query-lists.js';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const errors = { 400: { $ref: 'Error#' }, 403: { $ref: 'Error#' }, 404: { $ref: 'Error#' } };

const MAX_WAIT_MS = 120_000;
const MAX_LIMIT = 1000;

interface ListQuery {
  server?: string;
  status?: string;
  tag?: string;
  from?: string;
  to?: string;
  before_id?: number;
  limit: number;
}

interface WaitQuery {
  until?: WaitUntil;
  status?: string;
  call_state?: string;
  timeout_ms: number;
}

/** GET a row, its list results, a listing, and the long-poll wait. */
export const readRoutes: AmiqRoutePlugin = async (app, deps) => {
  app.get<{ Params: { id: number } }>(
    '/v1/rows/:id',
    { schema: { tags: ['rows'], summary: 'one row', params: idParams, response: { 200: { $ref: 'Row#' }, ...errors } } },
    async (request) => visibleRow(deps.db, scopeOf(request), request.params.id),
  );

  app.get<{ Params: { id: number } }>(
    '/v1/rows/:id/results',
    {
      schema: {
        tags: ['rows'],
        summary: "a list action's items (CoreShowChannels, Status, ...), in order",
        params: idParams,
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              required: ['seq', 'event', 'headers'],
              properties: { seq: { type: 'integer' }, event: { type: 'string' }, headers: { type: 'object', additionalProperties: true } },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      await visibleRow(deps.db, scopeOf(request), request.params.id);
      const items = await listResults(deps.db, request.params.id);
      return items.map((r) => ({ seq: Number(r.seq), event: r.event, headers: JSON.parse(r.headers) as Record<string, unknown> }));
    },
  );

  app.get<{ Querystring: ListQuery }>(
    '/v1/rows',
    {
      schema: {
        tags: ['rows'],
        summary: 'rows, newest first, filtered; page on with before_id = the last id of a page',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            server: { type: 'string', minLength: 1 },
            status: { type: 'string', description: `comma-separated: ${QUEUE_STATUSES.join(', ')}` },
            tag: { type: 'string' },
            from: { type: 'string', description: 'created at or after (ISO-8601 with Z or an offset)' },
            to: { type: 'string', description: 'created before (ISO-8601 with Z or an offset)' },
            before_id: { type: 'integer', minimum: 1 },
            limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 100 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['rows', 'next_before_id'],
            properties: {
              rows: { type: 'array', items: { $ref: 'Row#' } },
              next_before_id: { type: ['integer', 'null'], description: 'pass as before_id for the next page; null on the last page' },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const scope = scopeOf(request);
      const rows = await listRows(deps.db, {
        servers: visibleServers(scope, q.server),
        statuses: wordList<QueueStatus>('status', q.status, QUEUE_STATUSES),
        tag: q.tag,
        fromMs: instant('from', q.from),
        toMs: instant('to', q.to),
        beforeId: q.before_id,
        limit: q.limit,
      });
      // A token limited to actions sees only rows of its actions; the page may then hold fewer than limit.
      const visible = rows.filter((r) => canSee(scope, r));
      return { rows: visible, next_before_id: rows.length === q.limit ? rows[rows.length - 1]!.id : null };
    },
  );

  app.get<{ Params: { id: number }; Querystring: WaitQuery }>(
    '/v1/rows/:id/wait',
    {
      schema: {
        tags: ['rows'],
        summary: 'long-poll: answers once the row reaches a status or call_state you name (or `until`), or at the timeout',
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            until: {
              type: 'string',
              enum: ['terminal', 'settled', 'ended'],
              description:
                'terminal: the status will not change; settled (default): and an accepted Originate answered, ended or failed; ended: and its call ended or failed',
            },
            status: { type: 'string', description: `comma-separated: ${QUEUE_STATUSES.join(', ')}` },
            call_state: { type: 'string', description: `comma-separated: ${CALL_STATES.join(', ')}` },
            timeout_ms: { type: 'integer', minimum: 0, maximum: MAX_WAIT_MS, default: 30_000 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['timed_out', 'row'],
            properties: { timed_out: { type: 'boolean', description: 'true: the timeout came first; row is as last read' }, row: { $ref: 'Row#' } },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const scope = scopeOf(request);
      const done = matches({
        until: q.until,
        status: wordList<QueueStatus>('status', q.status, QUEUE_STATUSES),
        callState: wordList<CallState>('call_state', q.call_state, CALL_STATES),
      });
      await visibleRow(deps.db, scope, request.params.id);
      // The caller hanging up ends the wait as the server closing does (the response closes
      // before anything was written to it only when the connection went away).
      const gone = new AbortController();
      reply.raw.once('close', () => gone.abort());
      const signal = AbortSignal.any([deps.closing, gone.signal]);
      const { row, timedOut } = await waitForRow(deps.db, request.params.id, done, { timeoutMs: q.timeout_ms, changes: deps.changes, signal });
      if (row === undefined) throw notFound(request.params.id);
      return { timed_out: timedOut, row };
    },
  );
};
