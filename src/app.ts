import express, { type Express } from 'express';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { discoveryRouter } from './http/discovery.js';
import { hooksRouter } from './http/hooks-router.js';
import { healthRouter } from './http/health.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';

export interface AppDeps {
  readonly config: Config;
  readonly log: Logger;
  /** The service clock ("now" in PATHWAY.md); tests pass a fixed one. */
  readonly clock?: () => Date;
  readonly isReady?: () => boolean;
}

/** Builds the Express app (no listen). */
export function createApp(deps: AppDeps): Express {
  const { config, log } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // CDS clients (the public sandbox among them) call from a browser origin.
  app.use((req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  });
  app.use(express.json({ limit: config.bodyLimitBytes, type: ['application/json', 'application/*+json'] }));
  app.use(healthRouter(config, deps.isReady ?? (() => true)));
  app.use(discoveryRouter());
  app.use(hooksRouter({ clock: deps.clock ?? (() => new Date()) }));
  app.use(notFoundHandler);
  app.use(errorHandler(log));
  return app;
}
