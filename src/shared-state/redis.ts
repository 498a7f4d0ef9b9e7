/**
 * The one Redis connection of a process (ioredis) and what it says about its health. Commands never wait for a
 * connection: with the offline queue off, a command sent while Redis is unreachable fails at once, and one that gets
 * no answer within `commandTimeoutMs` fails too, so a Redis outage becomes a prompt answer (src/shared-state/README.md
 * says which), never a hung request. ioredis reconnects by itself; `/ready` reads `state()`.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import type { SharedStateConfig } from './config.js';

/** Whether Redis can be used now, and why not. */
export interface RedisState {
  readonly ok: boolean;
  /** Why not (for /ready and the log); never the URL (it can hold a password). */
  readonly reason?: string;
}

export interface SharedRedis {
  readonly client: Redis;
  /** Prefix of every key (REDIS_KEY_PREFIX). */
  readonly prefix: string;
  state(): RedisState;
  /** Runs a Lua script by its SHA-1, loading it on first use (NOSCRIPT) or after a Redis restart. */
  script(script: LuaScript, keys: readonly string[], args: readonly (string | number | Buffer)[]): Promise<unknown>;
  close(): Promise<void>;
}

export interface LuaScript {
  readonly text: string;
  readonly sha: string;
}

export function luaScript(text: string): LuaScript {
  return { text, sha: createHash('sha1').update(text).digest('hex') };
}

/** Connects to `config.redisUrl` (without waiting: `state()` says when it is usable). */
export function connectRedis(config: SharedStateConfig & { readonly redisUrl: string }, log: Logger): SharedRedis {
  const client = new Redis(config.redisUrl, {
    enableOfflineQueue: false,
    commandTimeout: config.commandTimeoutMs,
    connectTimeout: Math.max(1_000, config.commandTimeoutMs),
    // Fail the commands of a broken connection instead of replaying them on reconnect: a replay check that arrives
    // late is worse than a 503 the EHR can retry.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // Reconnect quickly (Redis is usually back within seconds after a failover), at most once a second.
    retryStrategy: (times) => Math.min(50 * times, 1_000),
    connectionName: 'sts-pathway-cds',
  });
  let lastError = 'redis connecting';
  let wasReady = false;
  let closing = false;
  client.on('ready', () => {
    if (!wasReady) log.info('redis: connected');
    wasReady = true;
  });
  client.on('error', (err: Error) => {
    // One line per outage, not one per reconnect attempt.
    const reason = `redis unreachable (${errorCode(err)})`;
    if (wasReady || reason !== lastError) log.warn({ reason }, 'redis: connection failed');
    lastError = reason;
    wasReady = false;
  });
  client.on('close', () => {
    if (wasReady && !closing) {
      log.warn('redis: connection closed');
      lastError = 'redis connection closed';
    }
    wasReady = false;
  });
  return {
    client,
    prefix: config.keyPrefix,
    state: () => (client.status === 'ready' ? { ok: true } : { ok: false, reason: lastError }),
    async script(script, keys, args) {
      try {
        return await client.evalsha(script.sha, keys.length, ...keys, ...args);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
        return client.eval(script.text, keys.length, ...keys, ...args);
      }
    },
    async close() {
      closing = true;
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/** A short, URL-free description of a connection error. */
function errorCode(err: Error): string {
  const code: unknown = Reflect.get(err, 'code');
  return typeof code === 'string' ? code : err.message.slice(0, 80);
}

/** SHA-256 of `text`, base64url: how user-controlled or sensitive strings (issuer, jti) become key parts. */
export function keyHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
