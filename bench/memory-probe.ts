/**
 * Loaded into the service by `bench/run.ts` (`--import ./bench/memory-probe.ts`, never by `npm start`): on SIGUSR2 each
 * service process writes `process.memoryUsage()` to `$BENCH_MEMORY_DIR/<pid>.json`, read before and after a full GC
 * (the bench starts the service with `--expose-gc`). RSS alone cannot tell a leak from pages V8 and the allocator keep:
 * heapUsed after a full GC can.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import v8 from 'node:v8';

/** One sample: memory before and after a full GC, in bytes. */
export interface MemorySample {
  readonly pid: number;
  readonly at: string;
  readonly before: NodeJS.MemoryUsage;
  readonly afterGc: NodeJS.MemoryUsage | undefined;
  /** Committed (`size`) and used bytes per V8 heap space, after the GC. */
  readonly spaces: readonly { readonly name: string; readonly size: number; readonly used: number }[];
}

const dir = process.env.BENCH_MEMORY_DIR;
if (dir !== undefined && dir !== '') {
  process.on('SIGUSR2', () => {
    const before = process.memoryUsage();
    const gc: unknown = Reflect.get(globalThis, 'gc');
    let afterGc: NodeJS.MemoryUsage | undefined;
    if (typeof gc === 'function') {
      Reflect.apply(gc, undefined, []);
      afterGc = process.memoryUsage();
    }
    const spaces = v8
      .getHeapSpaceStatistics()
      .map((s) => ({ name: s.space_name, size: s.space_size, used: s.space_used_size }));
    const sample: MemorySample = { pid: process.pid, at: new Date().toISOString(), before, afterGc, spaces };
    // Written aside, then renamed: the bench never reads half a file.
    const file = join(dir, `${process.pid}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(sample));
    renameSync(`${file}.tmp`, file);
  });
}
