import { createApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/log.js';

/** A test configuration: production defaults overridden by `env`, logging silenced. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ STS_MODE: 'development', LOG_LEVEL: 'silent', EMBEDDED_FHIR: 'false', ...env });
}

export function testApp(env: Record<string, string> = {}, clock?: () => Date) {
  const config = testConfig(env);
  return createApp({ config, log: createLogger('silent'), clock });
}
