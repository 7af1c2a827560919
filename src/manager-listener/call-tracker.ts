import type { CallState } from '../shared/db/schema.js';
import { isoNow } from '../shared/time.js';
import { isFinal, mergeUpdate, STATE_RANK, type CallUpdate, type RowSnapshot } from './call-update.js';
import {
  firstHalfOf,
  isFirstHalf,
  isMasqueradeName,
  isRealUniqueid,
  isSecondHalf,
  isUnknownCid,
  readEvent,
  type ChannelRef,
  type EventFields,
} from './event-fields.js';
import { LonePeers } from './lone-peers.js';
import { LookupCache, type LookupKey } from './lookup-cache.js';

/** Strength of the key a row was bound by (SPEC §4): a stronger key may rebind, a weaker never. */
const BY_ACTION_ID = 4;
const BY_AMIQ_ID = 3;
const BY_UNIQUEID = 2;
const BY_CALLERID = 1;

/** `;2` causes kept for a `;1` not bound yet: a burst's worth, most are other calls of the PBX. */
const LONE_PEER_CAUSES = 10_000;

/** `ChanVariable(<channel>): AMIQ_ID=…` of a successful OriginateResponse (a failed one has none). */
function responseAmiqId(ev: EventFields): string | undefined {
  for (const r of ev.refs) if (r.prefix === '' && r.amiqId) return r.amiqId;
  return undefined;
}

export interface TrackerOptions {
  /** Calls held in memory at most; beyond, the oldest is forgotten (its row stays, a later event finds it by Uniqueid). */
  maxCalls?: number;
  /** A call silent this long is forgotten (memory only). */
  maxAgeMs?: number;
  /**
   * A call whose end is known stays this long for what may still come: its channel, after an
   * OriginateResponse Failure that came first; its `;2` Hangup and real cause, after a `;1`
   * Hangup with cause 0. Checked at each sweep.
   */
  endGraceMs?: number;
  missTtlMs?: number;
  maxMisses?: number;
}

interface Call {
  rowId: number;
  actionId: string | undefined;
  strength: number;
  uniqueid: string | undefined;
  channel: string | undefined;
  linkedid: string | undefined;
  state: CallState | null;
  answered: boolean;
  reasonKnown: boolean;
  /** Cause of the Local `;2` half: the `;1` often hangs up with 0 when the callee was busy. */
  peerCause: [number, string] | undefined;
  peerUid: string | undefined;
  /** The `;2` half hung up. */
  peerDone: boolean;
  /** The tracked channel hung up without a real cause; the call waits for its `;2` Hangup. */
  hungUp: boolean;
  /** The name this channel gave up in a ≤11 masquerade, while the move is pending. */
  masqName: string | undefined;
  boundAt: number;
  touched: number;
}

/** A call the tracker holds, as resync sees it. */
export interface LiveCall {
  rowId: number;
  uniqueid: string;
  channel: string | undefined;
  boundAt: number;
}

/**
 * Pure call tracker: fed AMI events (and the rows the worker looked up for it), it keeps each
 * tracked call's channel, Uniqueid and state and queues forward-only row updates. No I/O.
 * Per event: `read` → `lookups` (keys to ask the DB, usually none) → `learn` each → `handle`.
 */
export class CallTracker {
  private readonly byRow = new Map<number, Call>();
  private readonly byUid = new Map<string, Call>();
  private readonly peers = new Map<string, Call>();
  private readonly byName = new Map<string, Call>();
  private readonly byActionId = new Map<string, Call>();
  /**
   * Uniqueids of calls forgotten while live (cap, age-out): only these need a by-Uniqueid lookup,
   * since every other bound row is in memory (loaded at start, seeded at resync). Past the cap,
   * every new channel is looked up.
   */
  private readonly forgotten = new Set<string>();
  private lookupEveryUid = false;
  /** ≤11 masquerade: the name a tracked channel gave up, waiting for the Uniqueid that takes it. */
  private readonly masq = new Map<string, Call>();
  private readonly lonePeers: LonePeers;
  /** Rows whose call ended here: a stale lookup must not bind them again before the write lands. */
  private readonly finished = new Map<number, number>();
  private readonly cache: LookupCache;
  private pending = new Map<number, CallUpdate>();
  private readonly maxCalls: number;
  private readonly maxAgeMs: number;
  private readonly endGraceMs: number;

  constructor(opts: TrackerOptions = {}) {
    this.maxCalls = opts.maxCalls ?? 100_000;
    this.maxAgeMs = opts.maxAgeMs ?? 2 * 3600_000;
    this.endGraceMs = opts.endGraceMs ?? 30_000;
    this.lonePeers = new LonePeers(LONE_PEER_CAUSES, this.endGraceMs);
    this.cache = new LookupCache(opts.missTtlMs ?? 30_000, opts.maxMisses ?? 100_000);
  }

  read = readEvent;

  /** Keys to look up before `handle` can correlate this event; empty for tracked or known-foreign channels. */
  lookups(ev: EventFields, now: number): LookupKey[] {
    const keys: LookupKey[] = [];
    const want = (k: LookupKey): void => {
      if (!keys.includes(k) && this.cache.needs(k, now)) keys.push(k);
    };
    if (ev.name === 'originateresponse') {
      const id = ev.get('actionid');
      if (id && !this.byActionId.has(id)) want(`a:${id}`);
      // Asked only if the ActionID finds nothing: a successful response names AMIQ_ID too.
      const amiq = responseAmiqId(ev);
      if (amiq && !this.byRow.has(Number(amiq))) want(`i:${amiq}`);
      return keys;
    }
    if (ev.name === 'rename') return keys;
    for (const r of ev.refs) {
      if (!this.untracked(r)) continue;
      // AMIQ_ID is the row id: a call already in memory (its OriginateResponse came first) needs no lookup.
      if (r.amiqId && !this.byRow.has(Number(r.amiqId))) want(`i:${r.amiqId}`);
      if (this.lookupEveryUid || this.forgotten.has(r.uniqueid!)) want(`u:${r.uniqueid!}`);
      if (!isUnknownCid(r.cidName)) want(`c:${r.cidName!}`);
      if (!isUnknownCid(r.cidNum)) want(`c:${r.cidNum!}`);
    }
    return keys;
  }

  learn(key: LookupKey, row: RowSnapshot | undefined, now: number): void {
    this.cache.learn(key, row, now);
  }

  /** Apply one event; returns the row id it concerns (for the event log), if any. */
  handle(ev: EventFields, now: number): number | undefined {
    try {
      if (ev.name === 'originateresponse') return this.onOriginateResponse(ev, now);
      if (ev.name === 'rename') return this.onRename(ev, now);
      let matched: number | undefined;
      for (const r of ev.refs) {
        const hit = this.resolve(r, now);
        if (!hit) {
          if (ev.name === 'hangup' && r.prefix === '' && isSecondHalf(r.channel)) this.keepLonePeer(r, ev, now);
          continue;
        }
        matched ??= hit.call.rowId;
        hit.call.touched = now;
        if (hit.peer) {
          if (ev.name === 'hangup' && r.prefix === '') this.onPeerHangup(hit.call, r.uniqueid!, ev, now);
        } else this.onMainEvent(hit.call, r, ev, now);
      }
      return matched;
    } finally {
      this.cache.endEvent();
    }
  }

  /** Updates queued since the last drain, one merged update per row. */
  drain(): CallUpdate[] {
    if (this.pending.size === 0) return [];
    const out = [...this.pending.values()];
    this.pending = new Map();
    return out;
  }

  get size(): number {
    return this.byRow.size;
  }

  /** Forget calls silent longer than maxAgeMs, ended ones past endGraceMs, and old bookkeeping (memory only; rows stay as they are). */
  sweep(now: number): void {
    for (const call of this.byRow.values()) {
      const silent = now - call.touched;
      if (silent > this.maxAgeMs) this.release(call, false, now);
      // Past its grace, an ended call goes; one never bound (its channel never came) is not
      // marked finished, so a late channel still finds its row by AMIQ_ID.
      else if (isFinal(call.state) && silent > this.endGraceMs) this.release(call, call.uniqueid !== undefined, now);
    }
    for (const [id, at] of this.finished) {
      if (now - at <= 60_000) break;
      this.finished.delete(id);
    }
  }

  liveCalls(): LiveCall[] {
    const out: LiveCall[] = [];
    for (const c of this.byRow.values())
      if (c.uniqueid !== undefined && !isFinal(c.state)) out.push({ rowId: c.rowId, uniqueid: c.uniqueid, channel: c.channel, boundAt: c.boundAt });
    return out;
  }

  /** Track a live row found in the database (after a restart) without writing anything. */
  seed(row: RowSnapshot, now: number): void {
    if (this.byRow.has(row.id) || !isRealUniqueid(row.uniqueid ?? undefined) || isFinal(row.call_state)) return;
    if (this.byUid.has(row.uniqueid!)) return;
    const call = this.newCall(row, BY_UNIQUEID, now);
    this.mapMain(call, row.uniqueid!, row.call_channel ?? undefined);
  }

  /** The call's channel is gone (resync): ENDED with the cause unknown. */
  settleGone(rowId: number, now: number): void {
    const call =
      this.byRow.get(rowId) ??
      this.newCall(
        { id: rowId, uniqueid: null, call_channel: null, linkedid: null, call_state: 'DIALING', answered_at: null, call_reason: null, action_id: null },
        0,
        now,
      );
    this.setState(call, 'ENDED', now);
    this.push(call.rowId, { hangup_cause_txt: 'Unknown (channel gone at resync)' });
    this.release(call, true, now);
  }

  private untracked(r: ChannelRef): boolean {
    const uid = r.uniqueid;
    if (!isRealUniqueid(uid) || this.byUid.has(uid) || this.peers.has(uid)) return false;
    return !isSecondHalf(r.channel) && !isMasqueradeName(r.channel);
  }

  private resolve(r: ChannelRef, now: number): { call: Call; peer: boolean } | undefined {
    const uid = r.uniqueid;
    if (!isRealUniqueid(uid)) return undefined;
    const main = this.byUid.get(uid);
    if (main) return { call: main, peer: false };
    const peer = this.peers.get(uid);
    if (peer) return { call: peer, peer: true };
    if (isSecondHalf(r.channel)) {
      // The row tracks `;1`; its `;2` only lends its hangup cause.
      const owner = this.byName.get(firstHalfOf(r.channel!));
      if (!owner) return undefined;
      if (owner.peerUid !== undefined) this.peers.delete(owner.peerUid);
      owner.peerUid = uid;
      this.peers.set(uid, owner);
      return { call: owner, peer: true };
    }
    if (isMasqueradeName(r.channel)) return undefined;
    const mine = r.amiqId ? this.byRow.get(Number(r.amiqId)) : undefined;
    const call = mine && this.attach(mine, BY_AMIQ_ID, uid, r.channel, r.linkedid, now);
    if (call) return { call, peer: false };
    const tries: Array<[LookupKey | undefined, number]> = [
      [r.amiqId ? `i:${r.amiqId}` : undefined, BY_AMIQ_ID],
      [`u:${uid}`, BY_UNIQUEID],
      [isUnknownCid(r.cidName) ? undefined : `c:${r.cidName!}`, BY_CALLERID],
      [isUnknownCid(r.cidNum) ? undefined : `c:${r.cidNum!}`, BY_CALLERID],
    ];
    for (const [key, strength] of tries) {
      const row = key && this.cache.row(key);
      if (!row) continue;
      const call = this.bind(row, strength, uid, r.channel, r.linkedid, now);
      if (call) return { call, peer: false };
      // Refused (row taken by another channel, or over): ask no more for this key for a while.
      this.cache.learn(key, undefined, now);
    }
    return undefined;
  }

  private bind(row: RowSnapshot, strength: number, uid: string, channel: string | undefined, linkedid: string | undefined, now: number): Call | undefined {
    if (this.finished.has(row.id)) return undefined;
    let call = this.byRow.get(row.id);
    if (!call) {
      // An ended row takes no channel, but the first one its AMIQ_ID names (the channel came
      // after the OriginateResponse Failure, and after this tracker let the call go).
      if (isFinal(row.call_state) && !(row.uniqueid === null && strength >= BY_AMIQ_ID)) return undefined;
      // Bound in an earlier run to another channel: only a strong key may move it.
      if (row.uniqueid !== null && row.uniqueid !== uid && strength < BY_AMIQ_ID) return undefined;
      call = this.newCall(row, strength, now);
    }
    return this.attach(call, strength, uid, channel, linkedid, now);
  }

  /** Bind a tracked call to a channel, unless it keeps the one it has (ended, or bound by an as strong key). */
  private attach(call: Call, strength: number, uid: string, channel: string | undefined, linkedid: string | undefined, now: number): Call | undefined {
    if (call.uniqueid === uid) return call;
    if (call.uniqueid !== undefined) {
      if (isFinal(call.state) || call.strength >= strength) return undefined;
      this.unmapMain(call);
    }
    const other = this.byUid.get(uid);
    if (other && other !== call) this.unmapMain(other);
    call.strength = strength;
    call.boundAt = now;
    const lone = channel !== undefined ? this.lonePeers.take(channel, uid, now) : undefined;
    if (lone) {
      call.peerCause = lone;
      call.peerDone = true;
    }
    if (linkedid !== undefined) call.linkedid = linkedid;
    this.mapMain(call, uid, channel);
    this.push(call.rowId, {
      uniqueid: uid,
      ...(channel !== undefined ? { call_channel: channel } : {}),
      ...(call.linkedid !== undefined ? { linkedid: call.linkedid } : {}),
    });
    this.setState(call, 'DIALING', now);
    return call;
  }

  private onMainEvent(call: Call, r: ChannelRef, ev: EventFields, now: number): void {
    if (r.linkedid !== undefined && call.linkedid === undefined) {
      call.linkedid = r.linkedid;
      this.push(call.rowId, { linkedid: r.linkedid });
    }
    const st = r.state;
    if (st === '5' || st === 'Ringing') this.setState(call, 'RINGING', now);
    else if (st === '6' || st === 'Up') this.setState(call, 'UP', now);
    if (r.prefix === '' && ev.name === 'hangup') return this.onHangup(call, ev, now);
    if (r.prefix === 'dest') {
      const status = ev.get('dialstatus');
      if (ev.name === 'dialstate' && status === 'RINGING') this.setState(call, 'RINGING', now);
      else if (ev.name === 'dialend' && status === 'ANSWER') this.setState(call, 'UP', now);
    }
  }

  private onHangup(call: Call, ev: EventFields, now: number): void {
    if (call.hungUp) return;
    let cause = Number.parseInt(ev.get('cause') ?? '', 10);
    let txt = ev.get('cause-txt') ?? '';
    if (!(cause > 0) && call.peerCause) [cause, txt] = call.peerCause;
    this.setState(call, 'ENDED', now);
    this.push(call.rowId, { ended_at: isoNow(now), ...(Number.isFinite(cause) ? { hangup_cause: cause, hangup_cause_txt: txt } : {}) });
    // A Local `;1` often hangs up with 0 before its `;2` reports why (busy, congestion, no
    // answer): keep the call for that Hangup; its cause then replaces the 0.
    if (cause > 0 || call.peerDone || !isFirstHalf(call.channel)) this.release(call, true, now);
    else call.hungUp = true;
  }

  private keepLonePeer(r: ChannelRef, ev: EventFields, now: number): void {
    const cause = Number.parseInt(ev.get('cause') ?? '', 10);
    if (cause > 0) this.lonePeers.keep(r.channel!, [cause, ev.get('cause-txt') ?? ''], r.linkedid, now);
  }

  private onPeerHangup(call: Call, uid: string, ev: EventFields, now: number): void {
    const cause = Number.parseInt(ev.get('cause') ?? '', 10);
    const txt = ev.get('cause-txt') ?? '';
    this.peers.delete(uid);
    call.peerUid = undefined;
    call.peerDone = true;
    if (!call.hungUp) {
      if (cause > 0) call.peerCause = [cause, txt];
      return;
    }
    if (cause > 0) this.push(call.rowId, { hangup_cause: cause, hangup_cause_txt: txt });
    this.release(call, true, now);
  }

  private onOriginateResponse(ev: EventFields, now: number): number | undefined {
    const actionId = ev.get('actionid') ?? '';
    const tracked = this.byActionId.get(actionId);
    const byActionId = this.cache.row(`a:${actionId}`) ?? (tracked && this.snapshotOf(tracked));
    // Only when the ActionID finds no row: a successful response names AMIQ_ID (the row id) too.
    const amiq = byActionId ? undefined : responseAmiqId(ev);
    const mine = amiq ? this.byRow.get(Number(amiq)) : undefined;
    const row = byActionId ?? (mine && this.snapshotOf(mine)) ?? (amiq ? this.cache.row(`i:${amiq}`) : undefined);
    if (!row) return undefined;
    const reason = Number.parseInt(ev.get('reason') ?? '', 10);
    const success = (ev.get('response') ?? '').toLowerCase() === 'success';
    const uid = ev.get('uniqueid');
    let call = this.byRow.get(row.id);
    if (success && isRealUniqueid(uid)) call = this.bind(row, byActionId ? BY_ACTION_ID : BY_AMIQ_ID, uid, ev.get('channel'), undefined, now) ?? call;
    if (!call && !isFinal(row.call_state) && !this.finished.has(row.id)) call = this.newCall(row, 0, now);
    if (Number.isFinite(reason) && !(call?.reasonKnown ?? row.call_reason !== null)) {
      if (call) call.reasonKnown = true;
      this.push(row.id, { call_reason: reason });
    }
    if (!call) {
      // The call already ended here (Hangup came first): FAILED still applies if it was never
      // answered, which only the row knows (the SQL guard checks answered_at).
      if (!success) this.push(row.id, { call_state: 'FAILED' });
      return row.id;
    }
    call.touched = now;
    // A failed call with no channel yet stays: its channel may still show up (AMIQ_ID), to be
    // bound for its Uniqueid, name and cause; the sweep lets it go after endGraceMs.
    this.setState(call, success ? 'UP' : 'FAILED', now);
    return row.id;
  }

  private onRename(ev: EventFields, now: number): number | undefined {
    const oldName = ev.get('channel') ?? ev.get('oldname');
    const newName = ev.get('newname');
    const uid = ev.get('uniqueid');
    if (newName === undefined || !isRealUniqueid(uid)) return undefined;
    const call = this.byUid.get(uid);
    if (isMasqueradeName(newName)) {
      // ≤11: this channel is the clone; its name passes to the Uniqueid renamed next.
      if (!call || oldName === undefined) return undefined;
      this.unmapMain(call);
      call.masqName = oldName;
      this.masq.set(oldName, call);
      return call.rowId;
    }
    const moved = call ?? this.masq.get(newName);
    if (!moved) return undefined;
    if (moved.masqName !== undefined) this.masq.delete(moved.masqName);
    moved.masqName = undefined;
    this.unmapMain(moved);
    this.mapMain(moved, uid, newName);
    moved.touched = now;
    this.push(moved.rowId, { uniqueid: uid, call_channel: newName });
    return moved.rowId;
  }

  private setState(call: Call, state: CallState, now: number): void {
    if (call.state !== null && STATE_RANK[call.state] >= STATE_RANK[state]) return;
    if (state === 'FAILED' && call.answered) return;
    call.state = state;
    const u: Omit<CallUpdate, 'id'> = { call_state: state };
    if (state === 'UP' && !call.answered) {
      call.answered = true;
      u.answered_at = isoNow(now);
    }
    if (state === 'ENDED' || state === 'FAILED') u.ended_at = isoNow(now);
    this.push(call.rowId, u);
  }

  /** What a lookup would return for a tracked call (the tracker's view is the fresher one). */
  private snapshotOf(c: Call): RowSnapshot {
    return {
      id: c.rowId,
      uniqueid: c.uniqueid ?? null,
      call_channel: c.channel ?? null,
      linkedid: c.linkedid ?? null,
      call_state: c.state,
      answered_at: c.answered ? '' : null,
      call_reason: c.reasonKnown ? 0 : null,
      action_id: c.actionId ?? null,
    };
  }

  private newCall(row: RowSnapshot, strength: number, now: number): Call {
    const call: Call = {
      rowId: row.id,
      actionId: row.action_id ?? undefined,
      strength,
      uniqueid: undefined,
      channel: undefined,
      linkedid: row.linkedid ?? undefined,
      state: row.call_state,
      answered: row.answered_at !== null,
      reasonKnown: row.call_reason !== null,
      peerCause: undefined,
      peerUid: undefined,
      peerDone: false,
      hungUp: false,
      masqName: undefined,
      boundAt: now,
      touched: now,
    };
    this.byRow.set(row.id, call);
    if (call.actionId !== undefined) this.byActionId.set(call.actionId, call);
    if (this.byRow.size > this.maxCalls) {
      const oldest = this.byRow.values().next().value;
      if (oldest && oldest !== call) this.release(oldest, false, now);
    }
    return call;
  }

  private mapMain(call: Call, uid: string, channel: string | undefined): void {
    call.uniqueid = uid;
    this.byUid.set(uid, call);
    this.forgotten.delete(uid);
    if (channel !== undefined) {
      call.channel = channel;
      this.byName.set(channel, call);
    }
  }

  private unmapMain(call: Call): void {
    if (call.uniqueid !== undefined && this.byUid.get(call.uniqueid) === call) this.byUid.delete(call.uniqueid);
    if (call.channel !== undefined && this.byName.get(call.channel) === call) this.byName.delete(call.channel);
  }

  private release(call: Call, finished: boolean, now: number): void {
    this.unmapMain(call);
    if (call.peerUid !== undefined) this.peers.delete(call.peerUid);
    if (call.masqName !== undefined && this.masq.get(call.masqName) === call) this.masq.delete(call.masqName);
    this.byRow.delete(call.rowId);
    if (call.actionId !== undefined && this.byActionId.get(call.actionId) === call) this.byActionId.delete(call.actionId);
    if (!finished && call.uniqueid !== undefined && !isFinal(call.state)) {
      this.forgotten.add(call.uniqueid);
      if (this.forgotten.size > this.maxCalls) {
        this.forgotten.clear();
        this.lookupEveryUid = true;
      }
    }
    if (finished) {
      this.finished.delete(call.rowId);
      this.finished.set(call.rowId, now);
      if (this.finished.size > this.maxCalls) {
        const oldest = this.finished.keys().next().value;
        if (oldest !== undefined) this.finished.delete(oldest);
      }
    }
  }

  private push(id: number, u: Omit<CallUpdate, 'id'>): void {
    const cur = this.pending.get(id);
    if (cur) mergeUpdate(cur, { id, ...u });
    else this.pending.set(id, { id, ...u });
  }
}
