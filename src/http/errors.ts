/** An answer other than 2xx, with what the client needs to fix it. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: number,
    message: string,
    /** The request field at fault (`channel`, `params.Context`, `query.limit`), when there is one. */
    readonly field?: string,
    /** The rule it broke, in words. */
    readonly rule?: string,
  ) {
    super(message);
  }
}

/** The error body every route answers with (and the OpenAPI document describes). */
export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string', description: 'the HTTP reason phrase' },
    message: { type: 'string', description: 'what went wrong, naming the field and the rule' },
    field: { type: 'string', description: 'the field at fault, when there is one' },
    rule: { type: 'string', description: 'the rule it broke' },
  },
} as const;

/** A row rule's refusal (`params.Context: required with Exten`) split into its field and rule. */
export function refusal(message: string): HttpError {
  const at = message.indexOf(': ');
  if (at <= 0) return new HttpError(400, message);
  return new HttpError(400, message, message.slice(0, at), message.slice(at + 2));
}
