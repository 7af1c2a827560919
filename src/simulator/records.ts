import type { ActionRecord, OriginateRecord, StateWriteRecord } from './types.js';

/** The most recent entries: past `max`, the oldest tenth goes at once (not one splice per entry). */
class RecentLog<T> {
  readonly items: T[] = [];

  constructor(private readonly max: number) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.max) this.items.splice(0, Math.ceil(this.max / 10));
  }
}

/**
 * What the test API keeps of the traffic: the actions received (their counts stay exact), what
 * each Originate did and each state-function Setvar, the most recent `max` of each.
 */
export class SimRecords {
  private readonly actionLog: RecentLog<ActionRecord>;
  private readonly originateLog: RecentLog<OriginateRecord>;
  private readonly stateWriteLog: RecentLog<StateWriteRecord>;
  private readonly counts = new Map<string, number>();
  private total = 0;

  constructor(max: number) {
    this.actionLog = new RecentLog(max);
    this.originateLog = new RecentLog(max);
    this.stateWriteLog = new RecentLog(max);
  }

  get actions(): ReadonlyArray<ActionRecord> {
    return this.actionLog.items;
  }

  addAction(rec: ActionRecord): void {
    this.total++;
    const key = rec.action.toLowerCase();
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.actionLog.push(rec);
  }

  actionCount(name?: string): number {
    return name === undefined ? this.total : (this.counts.get(name.toLowerCase()) ?? 0);
  }

  addOriginate(rec: OriginateRecord): void {
    this.originateLog.push(rec);
  }

  originates(): OriginateRecord[] {
    return this.originateLog.items.map((r) => ({ ...r }));
  }

  addStateWrite(rec: StateWriteRecord): void {
    this.stateWriteLog.push(rec);
  }

  stateWrites(): StateWriteRecord[] {
    return this.stateWriteLog.items.map((r) => ({ ...r }));
  }
}
