import type { FastifyRequest } from 'fastify';
import { cancelRow, getRow } from '../../shared/queue/index.js';
import { scopeOf } from '../auth/auth-hook.js';
import type { AmiqRoutePlugin } from '../deps.js';
import { HttpError } from '../errors.js';
import { requireWriter } from '../rows/enqueue-checked.js';
import { notFound, visibleRow } from '../rows/visible-row.js';

const schema = {
  tags: ['rows'],
  summary: 'withdraw a NEW row (409 once the sender has taken it)',
  params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
  response: { 200: { $ref: 'Row#' }, 403: { $ref: 'Error#' }, 404: { $ref: 'Error#' }, 409: { $ref: 'Error#' } },
};

/** POST /v1/rows/:id/cancel and DELETE /v1/rows/:id: NEW → CANCELLED, as `amiq cancel`. */
export const cancelRoutes: AmiqRoutePlugin = async (app, deps) => {
  const cancel = async (request: FastifyRequest<{ Params: { id: number } }>) => {
    const scope = scopeOf(request);
    requireWriter(scope);
    const { id } = request.params;
    await visibleRow(deps.db, scope, id);
    const cancelled = await cancelRow(deps.db, id);
    const row = await getRow(deps.db, id);
    if (row === undefined) throw notFound(id);
    if (!cancelled) throw new HttpError(409, `row ${id} is ${row.status}, not NEW: the sender has taken it (or it was settled)`, 'status', 'must be NEW');
    return row;
  };
  app.post<{ Params: { id: number } }>('/v1/rows/:id/cancel', { schema }, cancel);
  app.delete<{ Params: { id: number } }>('/v1/rows/:id', { schema }, cancel);
};
