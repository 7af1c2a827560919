import { CALL_STATES, QUEUE_STATUSES } from '../shared/db/schema.js';

const nullable = (type: string, extra: Record<string, unknown> = {}) => ({ type: [type, 'null'], ...extra });
const time = (description: string) => nullable('string', { description: `${description} (UTC, ISO-8601)` });

/** A manager_queue row as the API returns it: every column (SPEC §2). */
export const rowSchema = {
  $id: 'Row',
  type: 'object',
  required: ['id', 'server', 'action', 'status', 'created_at'],
  properties: {
    id: { type: 'integer' },
    server: { type: 'string' },
    action: { type: 'string' },
    channel: nullable('string'),
    callerid: nullable('string'),
    params: { type: 'string', description: 'the AMI headers as JSON text' },
    priority: { type: 'integer' },
    not_before: time('not sent before'),
    expires_at: time('not sent after'),
    tag: nullable('string'),
    status: { type: 'string', enum: [...QUEUE_STATUSES] },
    created_at: { type: 'string' },
    sent_at: time('sent to Asterisk'),
    response_at: time('answered by Asterisk'),
    action_id: nullable('string'),
    response: nullable('string'),
    message: nullable('string'),
    uniqueid: nullable('string'),
    linkedid: nullable('string'),
    call_channel: nullable('string'),
    call_state: nullable('string', { enum: [...CALL_STATES, null] }),
    call_reason: nullable('integer'),
    answered_at: time('the call was answered'),
    ended_at: time('the call ended'),
    hangup_cause: nullable('integer'),
    hangup_cause_txt: nullable('string'),
  },
} as const;

/** Schemas shared by the route groups (`{ $ref: 'Row#' }`). */
export const SHARED_SCHEMAS: readonly Record<string, unknown>[] = [rowSchema];
