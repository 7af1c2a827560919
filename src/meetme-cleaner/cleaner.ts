import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../shared/db/schema.js';
import { LOOP_LOCK_WAIT_MS, withBusyTimeout, writeBatch } from '../shared/db/index.js';
import { enqueue } from '../shared/queue/enqueue.js';
import { isoNow } from '../shared/time.js';
import { closeRooms } from '../shared/db/conferences/close-rooms.js';
import { insertRoom } from '../shared/db/conferences/insert-room.js';
import { loadOpenRooms, type ConferenceRow } from '../shared/db/conferences/load-open-rooms.js';
import { roomColumns, rowToState } from './room-columns.js';
import { updateRoom } from '../shared/db/conferences/update-room.js';
import { kickRow } from './kick-row.js';
import { mergeRoom } from './reconcile.js';
import { decideKicks } from './rules.js';
import { CONFERENCE_KINDS, type CleanerSettings, type ConferenceKind, type KickReason, type KindListing, type ListedRoom } from './types.js';

export interface CleanerOptions {
  db: Kysely<Database>;
  lister: { list(kind: ConferenceKind): Promise<KindListing> };
  server: string;
  settings: CleanerSettings;
  /** action_sender.allowed_commands: a MeetMe kick uses `meetme kick` only where it lets that through. */
  allowedCommands?: readonly string[];
  logger: Logger;
  /** Only log what would be kicked; enqueue nothing. */
  dryRun?: boolean;
  /** Injectable clock (ms): tests drive the grace period without waiting. */
  now?: () => number;
  /** Worker counters (ticks, kicks, list_errors). */
  count?: (name: string, n?: number) => void;
  /** A listing failed (the worker records it as its last error). */
  onError?: (err: unknown) => void;
}

export interface Kick {
  kind: ConferenceKind;
  room: string;
  channel: string;
  user?: string;
  reason: KickReason;
  /** The manager_queue row; undefined in a dry run. */
  queueId?: number;
}

export interface TickReport {
  /** Per kind: listed, absent on this PBX, or the listing failed (its rooms left as they were). */
  kinds: Partial<Record<ConferenceKind, 'listed' | 'absent' | 'failed'>>;
  rooms: number;
  closed: number;
  kicks: Kick[];
}

/**
 * One cleaner: `tick()` lists every conference, merges it into the conferences table, enqueues
 * the kicks the rules call for and closes rooms that are gone. A kind whose listing fails is
 * left untouched that tick, so a dropped connection never closes rooms or restarts clocks.
 */
export function createCleaner(o: CleanerOptions): { tick(): Promise<TickReport> } {
  const now = o.now ?? Date.now;
  const count = o.count ?? (() => undefined);
  /** What the PBX was last found to have, logged when it changes (start-up, a PBX restart). */
  let knownKinds = '';

  async function saveRoom(kind: ConferenceKind, row: ConferenceRow | undefined, listed: ListedRoom, at: number): Promise<Kick[]> {
    const state = mergeRoom(kind, row ? rowToState(row) : undefined, listed, at);
    const decisions = decideKicks(state, o.settings, at, o.dryRun);
    // The kick rows and the marks that stop a second kick commit together or not at all. Locked
    // by another process, the tick fails at once (its loop reads AMI) and the next one redoes it.
    return writeBatch(
      o.db,
      async (trx) => {
        const kicks: Kick[] = [];
        for (const { member, reason } of decisions) {
          const kick: Kick = { kind, room: listed.room, channel: member.channel, ...(member.user ? { user: member.user } : {}), reason };
          if (o.dryRun) {
            member.kicked = { reason, at: isoNow(at), dry_run: true };
          } else {
            kick.queueId = await enqueue(trx, kickRow(o.server, kind, listed.room, member, reason, o.allowedCommands ?? []));
            member.kicked = { reason, at: isoNow(at), queue_id: kick.queueId };
          }
          kicks.push(kick);
        }
        if (row) await updateRoom(trx, row.id, roomColumns(state), at);
        else await insertRoom(trx, o.server, state.kind, state.room, roomColumns(state), at);
        return kicks;
      },
      { lockWaitMs: LOOP_LOCK_WAIT_MS },
    );
  }

  async function syncKind(kind: ConferenceKind, listing: KindListing, at: number, report: TickReport): Promise<void> {
    const open = new Map((await loadOpenRooms(o.db, o.server, kind)).map((r) => [r.room, r]));
    const rooms = listing.present ? listing.rooms : [];
    for (const listed of rooms) {
      const row = open.get(listed.room);
      open.delete(listed.room);
      report.kicks.push(...(await saveRoom(kind, row, listed, at)));
    }
    report.rooms += rooms.length;
    const gone = [...open.values()].map((r) => r.id);
    report.closed += await withBusyTimeout(o.db, LOOP_LOCK_WAIT_MS, (conn) => closeRooms(conn, gone, at));
  }

  async function tick(): Promise<TickReport> {
    const report: TickReport = { kinds: {}, rooms: 0, closed: 0, kicks: [] };
    for (const kind of CONFERENCE_KINDS) {
      let listing: KindListing;
      try {
        listing = await o.lister.list(kind);
      } catch (err) {
        report.kinds[kind] = 'failed';
        count('list_errors');
        o.onError?.(err);
        o.logger.warn({ err, kind }, 'conference listing failed; rooms left as they were');
        continue;
      }
      report.kinds[kind] = listing.present ? 'listed' : 'absent';
      await syncKind(kind, listing, now(), report);
    }
    const present = CONFERENCE_KINDS.filter((k) => report.kinds[k] === 'listed');
    const allAnswered = CONFERENCE_KINDS.every((k) => report.kinds[k] !== 'failed');
    if (allAnswered && present.join() !== knownKinds) {
      knownKinds = present.join();
      o.logger.info({ present }, present.length ? 'conference applications on this PBX' : 'no ConfBridge or MeetMe on this PBX');
    }
    for (const k of report.kicks) {
      const fields = { kind: k.kind, room: k.room, channel: k.channel, user: k.user, reason: k.reason, queueId: k.queueId };
      if (o.dryRun) o.logger.info(fields, 'dry run: would kick');
      else o.logger.info(fields, 'kick enqueued');
    }
    count('ticks');
    if (report.kicks.length > 0) count(o.dryRun ? 'would_kick' : 'kicks', report.kicks.length);
    if (report.closed > 0) o.logger.info({ closed: report.closed }, 'conferences ended');
    return report;
  }

  return { tick };
}
