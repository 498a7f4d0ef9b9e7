/**
 * The browser code (client/main.ts and its imports, TypeScript) as one ES module. `npm run build` writes it next to the
 * compiled router (`dist/page/client/app.js`, scripts/build-page.ts); from the sources (`npm start` with tsx) it is
 * bundled with esbuild once per process, so development needs no build step.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import esbuild from 'esbuild';

/** Folder of the browser sources (or, in dist/, of the built bundle) and the stylesheet. */
export const CLIENT_DIR = fileURLToPath(new URL('./client/', import.meta.url));

/** File name of the prebuilt bundle in CLIENT_DIR. */
export const BUILT_BUNDLE = 'app.js';

/** The pages' entry points (client/<entry>.ts) and their prebuilt bundles (not tsc's per-file output names): the pathway page and the adherence view. */
export const CLIENT_ENTRIES = { main: BUILT_BUNDLE, adherence: 'adherence-view.js' } as const;
export type ClientEntry = keyof typeof CLIENT_ENTRIES;

const bundles = new Map<ClientEntry, Promise<string>>();

/** Bundles the browser sources of one page with esbuild. */
export async function buildClientBundle(minify: boolean, entry: ClientEntry = 'main'): Promise<string> {
  const r = await esbuild.build({
    entryPoints: [`${CLIENT_DIR}${entry}.ts`],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return r.outputFiles[0]?.text ?? '';
}

/** The bundled browser code: the prebuilt file when there is one, else built once (a failed build is retried). */
export function clientBundle(minify: boolean, entry: ClientEntry = 'main'): Promise<string> {
  const built = `${CLIENT_DIR}${CLIENT_ENTRIES[entry]}`;
  let bundle = bundles.get(entry);
  if (bundle === undefined) {
    bundle = (existsSync(built) ? readFile(built, 'utf8') : buildClientBundle(minify, entry)).catch((err: unknown) => {
      bundles.delete(entry);
      throw err;
    });
    bundles.set(entry, bundle);
  }
  return bundle;
}
