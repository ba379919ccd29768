// Builds the console's page: esbuild bundles src/main.jsx (Preact, JSX) and src/style.css,
// and both go inside index.html, so that a first load is one request (the browser otherwise
// fetches them only once the new renderer has parsed the page). The server's
// Content-Security-Policy allows exactly these two blocks by their SHA-256 and nothing else
// inline: build.mjs writes the hashes next to the page (index.html.json). The page is gzipped
// at the highest level; CMake embeds it in `datamesh serve` (cmake/EmbedConsole.cmake).
//
// node build.mjs --node-modules DIR --methods FILE --out DIR
//   DIR/node_modules: where `npm ci` installed package-lock.json (the build tree, not here);
//   FILE: the method table as JSON (datamesh_console_methods), imported as "datamesh:methods".
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants } from 'node:zlib';
import { createHash } from 'node:crypto';

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
  outdir: staging,
  metafile: true,
  legalComments: 'none',
  plugins: [methodsPlugin],
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
const read = (suffix) => readFileSync(join(staging, outputs.find((f) => f.endsWith(suffix))), 'utf8');
const script = read('.js').trimEnd();
const style = read('.css').trimEnd();
// Inside the page, a closing tag in the code would end the block early.
if (/<\/script/i.test(script)) throw new Error('build.mjs: the bundle contains "</script"');
if (/<\/style/i.test(style)) throw new Error('build.mjs: the style contains "</style"');
const template = readFileSync(join(here, 'src/index.html'), 'utf8');
for (const mark of ['%SCRIPT%', '%STYLE%']) {
  if (template.split(mark).length !== 2) throw new Error(`build.mjs: index.html must hold ${mark} once`);
}
// Functions as replacements: a '$' in the code is not a replacement pattern.
const html = template.replace('%STYLE%', () => style).replace('%SCRIPT%', () => script);
const sha256 = (text) => `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;

mkdirSync(join(out, 'assets'), { recursive: true });
const gz = gzipSync(Buffer.from(html, 'utf8'), { level: constants.Z_BEST_COMPRESSION });
writeFileSync(join(out, 'assets', 'index.html.gz'), gz);
writeFileSync(join(out, 'assets', 'index.html.json'),
              JSON.stringify({ script: sha256(script), style: sha256(style) }) + '\n');
rmSync(staging, { recursive: true, force: true });
console.log(`console: one page, ${gz.length} bytes gzipped`);
