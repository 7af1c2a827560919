import type { Rng } from './rng.js';

/** One step of a simulated Asterisk thread: state changes and the events they raise. */
export interface Step {
  run: () => void;
  /** A step of another thread that must have run first (a soft hangup is seen after it was requested). */
  after?: Step;
}

export const step = (run: () => void, after?: Step): Step => (after ? { run, after } : { run });

/**
 * Run the threads of one call that race in real Asterisk (the originate thread, the `;2` PBX
 * thread): each thread's steps in order, the threads interleaved. With an Rng the interleaving is
 * drawn at random; without one it follows `canonical` (thread indexes, the profile's captured
 * order), falling back to the first ready thread where the pattern does not fit.
 */
export function interleave(threads: readonly (readonly Step[])[], canonical: readonly number[], rng: Rng | undefined): void {
  const next = threads.map(() => 0);
  const done = new Set<Step>();
  for (let k = 0; ; k++) {
    const ready: number[] = [];
    threads.forEach((t, i) => {
      const s = t[next[i]!];
      if (s && (!s.after || done.has(s.after))) ready.push(i);
    });
    if (ready.length === 0) break;
    const want = canonical[k];
    const i = rng ? ready[rng.below(ready.length)]! : want !== undefined && ready.includes(want) ? want : ready[0]!;
    const s = threads[i]![next[i]!++]!;
    s.run();
    done.add(s);
  }
  if (threads.some((t, i) => next[i]! < t.length)) throw new Error('interleave: a step waits for a step that never runs');
}
