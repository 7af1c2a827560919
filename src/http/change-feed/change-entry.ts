import type { QueueChange } from '../../shared/db/schema.js';
import type { CurrentRow } from '../../shared/db/queue/rows-by-ids.js';

/** One change ready to send: what a filter needs, and its server-sent event, serialised once for every client. */
export interface ChangeEntry {
  seq: number;
  server: string;
  tag: string | null;
  /** The row as read with the change (undefined: in neither table). */
  row: CurrentRow | undefined;
  /** `id: <seq>`, `event: change`, `data: <the row as it is now>`. */
  text: string;
}

/**
 * The event of one change. Its data is the row's state when it is read (a later change of the same
 * row may already show): `archived: true` once it moved to the archive, `{ id, gone: true }` when
 * it is in neither table.
 */
export function changeEntry(change: QueueChange, row: CurrentRow | undefined): ChangeEntry {
  const data = row ?? { id: change.queue_id, gone: true };
  return { seq: change.seq, server: change.server, tag: change.tag, row, text: `id: ${change.seq}\nevent: change\ndata: ${JSON.stringify(data)}\n\n` };
}

export interface EntryFilter {
  /** undefined: any server. */
  servers?: ReadonlySet<string>;
  tag?: string;
  /** Whether the client may see this row (the token's actions); a row in neither table is then not shown. */
  canSee?: (row: CurrentRow) => boolean;
}

export function matches(e: ChangeEntry, f: EntryFilter): boolean {
  if (f.servers !== undefined && !f.servers.has(e.server)) return false;
  if (f.tag !== undefined && e.tag !== f.tag) return false;
  return f.canSee === undefined || (e.row !== undefined && f.canSee(e.row));
}
