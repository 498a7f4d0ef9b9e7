import { loadConfig, ConfigError } from './config.js';
import { createLogger } from './log.js';
import { createApp } from './app.js';

/** Entry point: read config, build the app, listen. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const app = createApp({ config, log });
  const server = app.listen(config.port, config.host, () => {
    log.info({ port: config.port, host: config.host, mode: config.mode }, 'STS pathway CDS service listening');
    if (config.mode === 'development') log.warn('DEVELOPMENT MODE: CDS Hooks JWTs are NOT verified');
  });
  const stop = (): void => {
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

await main();
