import type { FastifyRequest } from 'fastify';

interface ObjectSchema {
  properties?: Record<string, { type?: unknown }>;
}

const INTEGER = /^-?\d{1,15}$/;

/** Integer fields of a querystring or path schema, read from text, in place; anything else is left for the schema to judge. */
function coerce(values: unknown, schema: unknown): void {
  const props = (schema as ObjectSchema | undefined)?.properties;
  if (props === undefined || values === null || typeof values !== 'object') return;
  const v = values as Record<string, unknown>;
  for (const [key, prop] of Object.entries(props)) {
    const text = v[key];
    if (prop.type === 'integer' && typeof text === 'string' && INTEGER.test(text)) v[key] = Number(text);
  }
}

/**
 * Query strings and paths are text: their integer fields are converted here, while ajv coerces
 * nothing, so a JSON body is judged as sent (`"channel": 5` or `null` is a 400, never "5" or "").
 */
export async function coerceQueryIntegers(request: FastifyRequest): Promise<void> {
  const schema = request.routeOptions.schema;
  if (schema === undefined) return;
  coerce(request.query, schema.querystring);
  coerce(request.params, schema.params);
}
