import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';
import { HttpError } from './errors.js';

interface Body {
  statusCode: number;
  error: string;
  message: string;
  field?: string;
  rule?: string;
}

const body = (statusCode: number, message: string, field?: string, rule?: string): Body => ({
  statusCode,
  error: STATUS_CODES[statusCode] ?? 'Error',
  message,
  ...(field === undefined ? {} : { field }),
  ...(rule === undefined ? {} : { rule }),
});

/** A JSON-schema failure as `<field>: <rule>` (`body.channel: must be string`). */
function schemaFailure(err: FastifyError): Body {
  const first = err.validation![0]!;
  const where = err.validationContext === 'querystring' ? 'query' : (err.validationContext ?? 'body');
  const path = first.instancePath
    .split('/')
    .filter((p) => p !== '')
    .join('.');
  const missing = (first.params as { missingProperty?: string }).missingProperty;
  const extra = (first.params as { additionalProperty?: string }).additionalProperty;
  const name = [where, path, missing ?? extra].filter((p) => p !== undefined && p !== '').join('.');
  const rule = extra !== undefined ? 'unknown field' : missing !== undefined ? 'required' : (first.message ?? 'invalid');
  return body(400, `${name}: ${rule}`, name, rule);
}

/** One error shape for every failure: status, reason, a message naming the field and the rule. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler<FastifyError | HttpError>(async (err, request, reply) => {
    if (err instanceof HttpError) {
      if (err.statusCode === 401) void reply.header('www-authenticate', 'Bearer');
      return reply.code(err.statusCode).send(body(err.statusCode, err.message, err.field, err.rule));
    }
    if (err.validation !== undefined && err.validation.length > 0) return reply.code(400).send(schemaFailure(err));
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err, url: request.url, method: request.method }, 'request failed');
      return reply.code(status).send(body(status, 'internal error; see the http worker log'));
    }
    return reply.code(status).send(body(status, err.message));
  });
  app.setNotFoundHandler(async (request) => {
    throw new HttpError(404, `no route ${request.method} ${request.url.split('?')[0]}`);
  });
}
