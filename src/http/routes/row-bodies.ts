/** JSON schemas of the enqueue bodies: types only; the row rules judge the values (400 naming the field). */

const scalar = { type: ['string', 'number', 'boolean'] } as const;

/** A row's params: a header's value, its repeats, or (Variable) an object of variables. */
export const paramsSchema = {
  type: 'object',
  description: 'further AMI headers: a value, an array of values (the header repeats), or for Variable an object {"NAME": "value"}',
  additionalProperties: { anyOf: [scalar, { type: 'array', items: scalar }, { type: 'object', additionalProperties: scalar }] },
} as const;

/** Columns every kind of row may set besides its action's own (SPEC §2, the client group). */
export const rowOptions = {
  server: { type: 'string', minLength: 1, description: "which PBX's workers take the row; default the http worker's [server] name" },
  priority: { type: 'integer', description: 'higher is sent first (default 0)' },
  not_before: { type: 'string', description: 'not sent before (ISO-8601 with Z or an offset)' },
  expires_at: { type: 'string', description: "not sent after (default: the sender's TTL)" },
  tag: { type: 'string', description: 'free text for you; never sent to Asterisk' },
} as const;

export const rowBody = {
  type: 'object',
  additionalProperties: false,
  required: ['action'],
  properties: {
    action: { type: 'string', minLength: 1, description: 'an action of action_sender.allowed_actions (or Command)' },
    channel: { type: 'string' },
    callerid: { type: 'string' },
    params: paramsSchema,
    ...rowOptions,
  },
} as const;

export const originateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['channel'],
  properties: {
    channel: { type: 'string', description: 'what to dial: PJSIP/2001, Local/100@default' },
    exten: { type: 'string' },
    context: { type: 'string' },
    dialplan_priority: { type: ['string', 'integer'], description: 'with exten (default 1)' },
    application: { type: 'string', description: 'instead of exten+context' },
    data: { type: 'string' },
    callerid: { type: 'string', description: 'correlation key (sent as the CallerID name); the sender makes one when left out' },
    variables: { type: 'object', additionalProperties: scalar },
    timeout_ms: { type: 'integer', minimum: 1, description: 'ring timeout' },
    params: paramsSchema,
    ...rowOptions,
  },
} as const;

const callRef = {
  channel: { type: 'string', description: 'the live channel' },
  callerid: { type: 'string', description: 'or the callerid of the Originate that placed the call' },
} as const;

export const redirectBody = {
  type: 'object',
  additionalProperties: false,
  required: ['exten', 'context'],
  properties: { ...callRef, exten: { type: 'string' }, context: { type: 'string' }, dialplan_priority: { type: ['string', 'integer'] }, ...rowOptions },
} as const;

export const hangupBody = {
  type: 'object',
  additionalProperties: false,
  properties: { ...callRef, cause: { type: 'integer', minimum: 0, description: 'Q.850 cause (16 = normal clearing)' }, ...rowOptions },
} as const;
