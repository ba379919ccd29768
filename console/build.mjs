// Builds the console's assets: esbuild bundles src/main.jsx (Preact, JSX) and src/style.css
// into content-hashed files, writes index.html that loads them (no inline script: the server's
// Content-Security-Policy forbids it), and gzips each file at the highest level. CMake embeds
// the .gz files in `datamesh serve` (cmake/EmbedConsole.cmake).
//
// node build.mjs --node-modules DIR --methods FILE --out DIR
//   DIR/node_modules: where `npm ci` installed package-lock.json (the build tree, not here);
//   FILE: the method table as JSON (datamesh_console_methods), imported as "datamesh:methods".
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants } from 'node:zlib';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) =>
    arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs, []));
for (const name of ['node-modules', 'methods', 'out']) {
  if (!args[name]) throw new Error(`build.mjs: --${name} is required`);
}
const here = dirname(fileURLToPath(import.meta.url));
const nodeModules = resolve(args['node-modules']);
const esbuild = createRequire(join(nodeModules, 'noop.js'))('esbuild');
const out = resolve(args.out);

// The method table is a build input like a source file.
const methodsPlugin = {
  name: 'datamesh-methods',
  setup(build) {
    build.onResolve({ filter: /^datamesh:methods$/ }, () => ({ path: resolve(args.methods) }));
  },
};

rmSync(out, { recursive: true, force: true });
const staging = join(out, 'plain');
const result = await esbuild.build({
  entryPoints: [join(here, 'src/main.jsx')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome109', 'firefox115', 'safari15.6'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  nodePaths: [nodeModules],
  entryNames: '[name]-[hash]',
  outdir: staging,
  metafile: true,
  legalComments: 'none',
  plugins: [methodsPlugin],
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
const script = outputs.find((f) => f.endsWith('.js'));
const style = outputs.find((f) => f.endsWith('.css'));
const html = readFileSync(join(here, 'src/index.html'), 'utf8')
  .replace('%SCRIPT%', `/assets/${script}`)
  .replace('%STYLE%', `/assets/${style}`);
writeFileSync(join(staging, 'index.html'), html);

mkdirSync(join(out, 'assets'), { recursive: true });
let total = 0;
for (const file of ['index.html', script, style]) {
  const gz = gzipSync(readFileSync(join(staging, file)), { level: constants.Z_BEST_COMPRESSION });
  // index.html is served at /, the hashed files under /assets/.
  writeFileSync(join(out, 'assets', `${file}.gz`), gz);
  total += gz.length;
}
rmSync(staging, { recursive: true, force: true });
console.log(`console: ${outputs.length + 1} assets, ${total} bytes gzipped`);
