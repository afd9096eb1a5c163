#!/usr/bin/env node
// Builds the web UI (web/) into dist/web: index.html plus content-hashed assets, so the server can
// cache assets forever and index.html never. esbuild bundles and minifies; nothing is fetched at
// run time (no CDN), so the UI works air-gapped. Writes dist/web/build.json: each asset's size and
// gzip size (what `npm run bench` reports as "JavaScript shipped").
//
// esbuild's postinstall is not run here (package.json allowScripts): it only checks the platform
// binary, which npm installs as the optional dependency @esbuild/<platform> and esbuild finds itself.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(repo, 'dist', 'web');
const assets = join(out, 'assets');

rmSync(out, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

const result = await build({
  absWorkingDir: repo,
  entryPoints: { app: 'web/src/main.tsx' },
  bundle: true,
  minify: true,
  format: 'esm',
  // Browsers of the last two years or so; nothing older is worth the bytes of down-levelling.
  target: ['chrome111', 'firefox111', 'safari16.4'],
  platform: 'browser',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: assets,
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  sourcemap: 'linked',
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});

const built = Object.keys(result.metafile.outputs).map((p) => join(repo, p));
const pick = (ext) => {
  const file = built.find((p) => p.endsWith(ext) && !p.endsWith('.map'));
  if (!file) throw new Error(`build-web: esbuild wrote no ${ext} file`);
  return basename(file);
};
const js = pick('.js');
const css = pick('.css');
const html = readFileSync(join(repo, 'web', 'index.html'), 'utf8').replace('__APP_JS__', js).replace('__APP_CSS__', css);
writeFileSync(join(out, 'index.html'), html);

const sizes = Object.fromEntries(
  [js, css].map((f) => {
    const bytes = readFileSync(join(assets, f));
    return [f, { bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length }];
  }),
);
writeFileSync(join(out, 'build.json'), `${JSON.stringify({ js, css, sizes }, null, 2)}\n`);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`web UI: ${js} ${kb(sizes[js].bytes)} (${kb(sizes[js].gzipBytes)} gzip), ${css} ${kb(sizes[css].bytes)} (${kb(sizes[css].gzipBytes)} gzip)`);
