// Bundles the dashboard (src/dashboard, uPlot included) with esbuild into dist/dashboard:
// content-hashed, minified assets and an index.html naming them. No CDN: the package
// serves everything the page loads.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url);
const out = new URL('dist/dashboard/', root);
rmSync(out, { recursive: true, force: true });

const result = await build({
  entryPoints: { app: new URL('src/dashboard/main.ts', root).pathname },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022', 'chrome109', 'firefox115', 'safari16'],
  outdir: new URL('assets/', out).pathname,
  entryNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  banner: {
    js: '/*! tmws-patterns dashboard. Includes uPlot (https://github.com/leeoniya/uPlot), (c) Leon Sorokin, MIT License. */',
  },
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path));
const named = (ext) => {
  const file = outputs.find((name) => name.endsWith(ext));
  if (!file) throw new Error(`dashboard build produced no ${ext} file`);
  return file;
};
const html = readFileSync(new URL('src/dashboard/index.html', root), 'utf8')
  .replace('{{js}}', named('.js'))
  .replace('{{css}}', named('.css'));
writeFileSync(new URL('index.html', out), html);
