/**
 * The environment variables the service reads, taken from the code itself: every name src/config.ts's loadConfig looks
 * up (recorded while it runs, in both modes) and every `process.env.NAME` an entry point reads (src/cluster.ts WORKERS).
 * A manifest that sets any other name sets something the service ignores: a typo, or a setting that was renamed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../../src/config.js';

type Env = Record<string, string>;

/** Runs loadConfig over `env`, recording every variable it looks up. */
function recordReads(env: Env, seen: Set<string>): void {
  const recording = new Proxy(env, {
    get(target, name): unknown {
      if (typeof name === 'string') seen.add(name);
      return Reflect.get(target, name);
    },
  });
  try {
    loadConfig(recording);
  } catch (err) {
    // An incomplete environment is refused, but every lookup has happened by then (problems are collected, not thrown).
    if (!(err instanceof ConfigError)) throw err;
  }
}

function processEnvReads(dir: string, names: Set<string>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) processEnvReads(path, names);
    else if (entry.name.endsWith('.ts')) {
      for (const m of readFileSync(path, 'utf8').matchAll(
        /process\.env(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g,
      )) {
        names.add(m[1] ?? m[2] ?? '');
      }
    }
  }
  names.delete('');
}

/** Every environment variable name the service reads; `srcDir` is the service's source folder. */
export function serviceEnvNames(srcDir: string): ReadonlySet<string> {
  const names = new Set<string>();
  recordReads({}, names);
  recordReads({ STS_MODE: 'production' }, names);
  processEnvReads(srcDir, names);
  return names;
}

/** The service's verdict on an environment: its config, or the whole list of problems. */
export function checkConfig(env: Env): { config?: Config; problems: readonly string[] } {
  try {
    return { config: loadConfig(env), problems: [] };
  } catch (err) {
    if (err instanceof ConfigError) return { problems: err.problems };
    throw err;
  }
}
