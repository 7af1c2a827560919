import type { AmiHeader } from '../shared/ami/message.js';
import { checkHeaders } from '../shared/ami/serializer.js';
import type { QueueRow } from '../shared/db/schema.js';
import { actionIdFor, callerIdHeader, generateCallerid } from './row-identity.js';
import type { ActionPlan } from '../shared/row-rules/index.js';

/** Everything needed to write one row to Asterisk. */
export interface BuiltAction {
  action: string;
  /** Headers without Action and ActionID (the client adds both). */
  headers: AmiHeader[];
  actionId: string;
  /** The callerid the sender generated (Originate rows without one), to write back to the row. */
  generatedCallerid: string | null;
}

export type Build = { ok: true; built: BuiltAction } | { ok: false; message: string };

/**
 * Turn a validated plan into the AMI action: Channel first, then the params; an Originate also
 * gets `Async: true` (the reply comes at once, the outcome as OriginateResponse), the row's
 * callerid as CallerID unless params set one, and `AMIQ_ID=<id>` after the client's variables
 * so that it wins over any same-named one. The whole list, ActionID included, is checked again,
 * which is where the 100-header limit is judged.
 */
export function buildAction(row: QueueRow, plan: ActionPlan, channel: string | null): Build {
  const headers: AmiHeader[] = [];
  if (channel !== null) headers.push(['Channel', channel]);
  headers.push(...plan.params);
  let generatedCallerid: string | null = null;
  if (plan.action.toLowerCase() === 'originate') {
    headers.push(['Async', 'true']);
    let callerid = row.callerid;
    if (callerid === null || callerid === '') {
      callerid = generateCallerid(row);
      generatedCallerid = callerid;
    }
    if (!plan.params.some(([k]) => k.toLowerCase() === 'callerid')) headers.push(['CallerID', callerIdHeader(callerid)]);
    headers.push(['Variable', `AMIQ_ID=${row.id}`]);
  }
  const actionId = actionIdFor(row);
  const err = checkHeaders([['Action', plan.action], ['ActionID', actionId], ...headers]);
  if (err) {
    const field = err.header.toLowerCase() === 'channel' ? 'channel' : 'params';
    return { ok: false, message: `${field}: ${err.message.replace(/^header [^:]*: /, '')}` };
  }
  return { ok: true, built: { action: plan.action, headers, actionId, generatedCallerid } };
}
