/**
 * Bundles the browser code (client/main.ts and its imports, TypeScript) into one ES module with esbuild, once per
 * process. esbuild ships with tsx (a runtime dependency), so `npm start` needs no separate build step.
 */
import { fileURLToPath } from 'node:url';
import esbuild from 'esbuild';

/** Folder of the browser sources and the stylesheet. */
export const CLIENT_DIR = fileURLToPath(new URL('./client/', import.meta.url));

let bundle: Promise<string> | undefined;

/** The bundled browser code (cached; a failed build is retried on the next call). */
export function clientBundle(minify: boolean): Promise<string> {
  bundle ??= esbuild
    .build({
      entryPoints: [`${CLIENT_DIR}main.ts`],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify,
      legalComments: 'none',
      logLevel: 'silent',
    })
    .then((r) => r.outputFiles[0]?.text ?? '')
    .catch((err: unknown) => {
      bundle = undefined;
      throw err;
    });
  return bundle;
}
