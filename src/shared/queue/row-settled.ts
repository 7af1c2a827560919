import { TERMINAL_STATUSES, type QueueRow } from '../db/schema.js';

/** The action's fate is known: its status will not change again. */
export const isTerminal = (row: Pick<QueueRow, 'status'>): boolean => TERMINAL_STATUSES.includes(row.status);

/** A call is settled once it is answered, has ended or failed. */
export const callSettled = (row: Pick<QueueRow, 'call_state'>): boolean => row.call_state === 'UP' || row.call_state === 'ENDED' || row.call_state === 'FAILED';

/** An accepted Originate: a call follows, written by the listener. */
export const placesCall = (row: Pick<QueueRow, 'action' | 'status'>): boolean => row.action.toLowerCase() === 'originate' && row.status === 'SUCCESS';
