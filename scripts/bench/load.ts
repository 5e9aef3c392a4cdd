/** Timing and counting helpers for the load simulations (scripts/bench-budget.ts). */

/** Runs `task(0…count-1)`, at most `concurrency` at a time. */
export async function inParallel(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Starts `task` `perSecond` times a second until `end` (performance.now()): an open loop, so a slow answer does not
 * slow the arrivals; a beat is skipped while `concurrency` tasks still wait. Resolves, once the last task has
 * finished, to the number of beats skipped.
 */
export async function openLoop(perSecond: number, end: number, concurrency: number, task: () => Promise<void>): Promise<number> {
  const pending = new Set<Promise<void>>();
  let skipped = 0;
  for (let beat = performance.now(); beat < end; beat += 1000 / perSecond) {
    await sleep(beat - performance.now());
    if (pending.size >= concurrency) {
      skipped++;
      continue;
    }
    const running = task().finally(() => pending.delete(running));
    pending.add(running);
  }
  await Promise.all(pending);
  return skipped;
}

/** Runs `task` after a random gap within `gapMs`, and again after each gap once it has finished, until `end`. */
export async function atRandomGaps(gapMs: readonly [number, number], end: number, task: () => Promise<void>): Promise<void> {
  for (;;) {
    await sleep(gapMs[0] + Math.random() * (gapMs[1] - gapMs[0]));
    if (performance.now() >= end) return;
    await task();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** The most timestamps (sorted, ms) within any window of `windowMs`, as (t − window, t]. */
export function slidingMax(times: number[], windowMs: number): number {
  let max = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while (times[first]! <= times[last]! - windowMs) first++;
    max = Math.max(max, last - first + 1);
  }
  return max;
}

/** "3 × a, 1 × b": how often each value occurs. */
export function tally(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => `${count} × ${value}`).join(", ");
}
