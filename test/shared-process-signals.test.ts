import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ProcessSignals, type SignalTarget } from '../src/shared/worker/process-signals.js';

/** A stand-in for `process`, and what a session was told. */
function rig() {
  const proc = new EventEmitter();
  const died: unknown[] = [];
  const signals = new ProcessSignals(proc, (err) => died.push(err));
  const target = (ownStop = false): SignalTarget & { stops: string[]; crashes: unknown[] } => {
    const t = { ownStop, stops: [] as string[], crashes: [] as unknown[], stop: (r: string) => t.stops.push(r), crash: (e: unknown) => void t.crashes.push(e) };
    return t;
  };
  const handlers = () => ['SIGTERM', 'SIGINT', 'uncaughtException', 'unhandledRejection'].map((e) => proc.listenerCount(e));
  return { proc, died, signals, target, handlers };
}

describe('ProcessSignals', () => {
  it('installs one set of handlers for all workers, before they register, and removes it when the last ends', () => {
    const { signals, target, handlers } = rig();
    signals.startRegistering(true);
    signals.startRegistering(true);
    expect(handlers()).toEqual([1, 1, 1, 1]);
    const a = target();
    const b = target();
    signals.doneRegistering(a);
    signals.doneRegistering(b);
    signals.remove(a);
    expect(handlers()).toEqual([1, 1, 1, 1]);
    signals.remove(b);
    expect(handlers()).toEqual([0, 0, 0, 0]);
  });

  it('installs nothing for a worker that leaves the process alone', () => {
    const { signals, handlers } = rig();
    signals.startRegistering(false);
    expect(handlers()).toEqual([0, 0, 0, 0]);
  });

  it('keeps a signal that comes during registration for the worker; later ones go to the sessions not stopped by their caller', () => {
    const { proc, signals, target } = rig();
    signals.startRegistering(true);
    proc.emit('SIGTERM', 'SIGTERM');
    const a = target();
    const own = target(true);
    expect(signals.doneRegistering(a)).toBe('SIGTERM');
    signals.startRegistering(true);
    expect(signals.doneRegistering(own)).toBeUndefined();
    proc.emit('SIGINT', 'SIGINT');
    expect(a.stops).toEqual(['SIGINT']);
    expect(own.stops).toEqual([]);
  });

  it('a failed registration removes the handlers if nothing else runs', () => {
    const { signals, handlers } = rig();
    signals.startRegistering(true);
    signals.doneRegistering(undefined);
    expect(handlers()).toEqual([0, 0, 0, 0]);
  });

  it('an uncaught failure is recorded by every session, then the process dies of it', () => {
    const { proc, died, signals, target } = rig();
    signals.startRegistering(true);
    const a = target();
    const own = target(true);
    signals.doneRegistering(a);
    signals.startRegistering(false);
    signals.doneRegistering(own);
    const err = new Error('boom');
    proc.emit('uncaughtException', err);
    expect([a.crashes, own.crashes, died]).toEqual([[err], [err], [err]]);
  });

  it('claims a worker for this process once until released', () => {
    const { signals } = rig();
    expect(signals.claim('default\u0000heartbeat')).toBe(true);
    expect(signals.claim('default\u0000heartbeat')).toBe(false);
    expect(signals.claim('other\u0000heartbeat')).toBe(true);
    signals.release('default\u0000heartbeat');
    expect(signals.claim('default\u0000heartbeat')).toBe(true);
  });
});
