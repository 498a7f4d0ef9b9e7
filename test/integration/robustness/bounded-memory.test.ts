/**
 * Issue 15 item 3: no cache keyed by request content grows without bound. 2,000 requests of distinct junk (resource
 * types and dateTimes no request repeats) leave the heap after GC where it was after the first 200.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./bounded-memory-child.ts', import.meta.url));

test('2,000 requests of distinct junk: heap after GC flat (under 16 MB of growth)', async () => {
  const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', child, '2000'], {
    cwd: fileURLToPath(new URL('../../../', import.meta.url)),
    env: { ...process.env, NODE_OPTIONS: '' },
    maxBuffer: 1_000_000,
    timeout: 280_000,
  });
  const { warm, end, statuses } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
    warm: number;
    end: number;
    statuses: Record<string, number>;
  };
  // Every request was answered (the junk is tolerated, not an error).
  expect(statuses).toEqual({ 200: 2000 });
  // Unbounded, the junk alone would keep 2,000 x 24 KB = 48 MB (UTF-16: twice that).
  expect(end - warm).toBeLessThan(16 * 1024 * 1024);
}, 300_000);
