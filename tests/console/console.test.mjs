// The web console in real Chromium (issue 16; docs/CONSOLE.md): a real `datamesh serve` on a
// fresh SQLite mesh, and three browser contexts — admin, producer, consumer — that click
// through the whole workflow and check what each person sees at each step; plus bad sign-in,
// an expired session, a forbidden action hidden and refused, an error shown in words, the
// security headers, and an accessibility check (axe-core) of every page.
//
// Run by CTest (tests/CMakeLists.txt, label console) with node's test runner:
//   DATAMESH_CLI=<datamesh> DATAMESH_CONSOLE_MODULES=<node_modules> DATAMESH_TEST_DATA=<tests/>
//   node --test-reporter=spec console.test.mjs
// DATAMESH_CONSOLE_SCREENSHOTS=<dir> also writes a screenshot of each page at desktop width
// (1280x800), and of some at phone width (390x844): docs/console/. The first page load's timings are printed, never
// asserted.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const cli = process.env.DATAMESH_CLI;
const modules = process.env.DATAMESH_CONSOLE_MODULES;
const data = process.env.DATAMESH_TEST_DATA;
const shots = process.env.DATAMESH_CONSOLE_SCREENSHOTS || '';
for (const [name, value] of Object.entries({ DATAMESH_CLI: cli, DATAMESH_CONSOLE_MODULES: modules, DATAMESH_TEST_DATA: data })) {
  if (!value) throw new Error(`${name} must be set`);
}
const require = createRequire(join(modules, 'noop.js'));
const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const kChromiumFlags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const kTimeout = 15000;

const work = mkdtempSync(join(tmpdir(), 'datamesh-console-'));
let server, base, browser;
const credentials = {};  // persona -> {AccessKeyId, SecretAccessKey, AccountId}
const pages = {};        // persona -> page
let subscriptionId = '';

async function datamesh(args, creds) {
  const file = join(work, `creds-${Math.random().toString(36).slice(2)}.json`);
  const global = ['--endpoint', base];
  if (creds) {
    writeFileSync(file, JSON.stringify(creds));
    global.push('--credentials-file', file);
  }
  return run(cli, [...global, ...args]);
}

function startServer(store, extra = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(cli, ['serve', '--store', store, '--listen', '127.0.0.1:0', '--no-access-log', ...extra],
                        { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/on (https?:\/\/127\.0\.0\.1:\d+)/);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`datamesh serve exited with ${code}: ${out}`)));
  });
}

async function checkA11y(page, name) {
  await page.evaluate(`${axeSource};0`);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [],
                   `accessibility violations on ${name}`);
}

// Phone-width shots of a few pages only: the committed PNGs stay small.
const kPhoneShots = new Set(['signin', 'catalog', 'subscription-timeline', 'requests']);
async function screenshot(page, name) {
  if (!shots) return;
  const sizes = [[1280, 800, 'desktop'], ...(kPhoneShots.has(name) ? [[390, 844, 'phone']] : [])];
  for (const [width, height, suffix] of sizes) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: join(shots, `${name}-${suffix}.png`), fullPage: false });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

// Checks every page a persona's page is on: accessibility and, when asked, screenshots.
async function visit(page, name) {
  await page.waitForFunction(() => !document.querySelector('.loading'), null, { timeout: kTimeout });
  await checkA11y(page, name);
  await screenshot(page, name);
}

async function newPage(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  context.setDefaultTimeout(kTimeout);
  return context.newPage();
}

async function signIn(page, creds) {
  await page.goto(base);
  await page.getByLabel('Access key id').fill(creds.AccessKeyId);
  await page.getByLabel('Secret access key').fill(creds.SecretAccessKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

function tab(page, name) {
  return page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name });
}

before(async () => {
  const store = `sqlite://${join(work, 'mesh.db')}`;
  const { stdout } = await run(cli, ['admin', 'initialize-mesh-account', '--endpoint', store,
                                     '--data-mesh-account-id', '999999999999', '--mesh-name', 'demo']);
  credentials.admin = JSON.parse(stdout);
  ({ child: server, url: base } = await startServer(store));
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: kChromiumFlags });
});

// A failed step leaves what each person saw, for the log.
afterEach(async (t) => {
  if (!t.passed) {
    for (const [persona, page] of Object.entries(pages)) {
      if (!page.isClosed()) console.log(`--- ${persona} saw:\n${(await page.locator('body').innerText()).slice(0, 3000)}`);
    }
  }
});

after(async () => {
  if (browser) await browser.close();
  if (server && server.exitCode === null) server.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

test('the console is served from the binary with strict security headers', async () => {
  const index = await fetch(`${base}/`);
  assert.equal(index.status, 200);
  assert.equal(index.headers.get('content-encoding'), 'gzip');
  const csp = index.headers.get('content-security-policy');
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(index.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  // The script and style are inside the page (one request for a first load), and the policy
  // allows exactly these two blocks by their SHA-256: no other inline code, no file.
  const html = await index.text();
  const blocks = [...html.matchAll(/<(script|style)\b([^>]*)>([^]*?)<\/\1>/g)];
  assert.deepEqual(blocks.map(([, tag, attributes]) => `${tag}${attributes}`),
                   ['style', 'script type="module"']);
  assert.doesNotMatch(html, /\ssrc=|<link\b(?![^>]*\bhref="data:)/, 'no script or style file');
  // An empty icon inline: browsers then ask for no /favicon.ico, which would be a 404.
  assert.match(html, /<link rel="icon" href="data:,">/);
  const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
  const [style, script] = blocks.map(([, , , text]) => sha256(text));
  assert.ok(csp.includes(`script-src ${script};`), `${csp} allows no script ${script}`);
  assert.ok(csp.includes(`style-src ${style};`), `${csp} allows no style ${style}`);
  assert.doesNotMatch(csp, /script-src[^;]*'self'/);
  assert.deepEqual(await (await fetch(`${base}/console/config.json`)).json(), { Region: 'us-east-1' });
  assert.equal((await fetch(`${base}/assets/main-NOPE.js`)).status, 404);
  const config = await fetch(`${base}/console/config.json`);
  assert.match(config.headers.get('content-security-policy'), /script-src 'none'; style-src 'none';/);
});

test('a wrong secret gets one clear message; repeated failures are told to wait', async () => {
  const page = await newPage();
  await signIn(page, { ...credentials.admin, SecretAccessKey: 'not-the-secret' });
  await assert.doesNotReject(page.getByRole('alert').filter({ hasText: 'The access key id or the secret is wrong' }).waitFor());
  await page.context().close();

  // A second server on the same mesh that allows 2 failed authentications per address and
  // minute (the main one keeps its default, so that this does not lock out the other steps).
  const config = join(work, 'strict.json');
  writeFileSync(config, JSON.stringify({ max_auth_failures_per_address: 2, auth_failure_window_seconds: 60 }));
  const strict = await startServer(`sqlite://${join(work, 'mesh.db')}`, ['--config', config]);
  try {
    const tries = await newPage();
    let told = '';
    for (let attempt = 0; attempt < 4 && !told; ++attempt) {
      await tries.goto(strict.url);
      await tries.getByLabel('Access key id').fill(credentials.admin.AccessKeyId);
      await tries.getByLabel('Secret access key').fill(`wrong-${attempt}`);
      await tries.getByRole('button', { name: 'Sign in' }).click();
      const alert = tries.getByRole('alert');
      await alert.waitFor();
      const text = await alert.innerText();
      if (text.startsWith('Too many failed sign-ins')) told = text;
      else assert.match(text, /The access key id or the secret is wrong/);
    }
    assert.match(told, /^Too many failed sign-ins from this address\. Wait \d+ seconds, then try again\.$/);
    await tries.context().close();
  } finally {
    strict.child.kill('SIGTERM');
  }
});

test('a computer clock far from the server\'s is named as the cause, not the key', async () => {
  const page = await newPage();
  await page.clock.install({ time: Date.now() + 20 * 60 * 1000 });  // 20 minutes fast
  await signIn(page, credentials.admin);
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(),
               /^This computer's clock is off by more than the server allows \(the server's time is \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)/);
  await page.context().close();
});

test('spaces around a pasted secret do not make it wrong', async () => {
  const page = await newPage();
  await signIn(page, { ...credentials.admin, SecretAccessKey: ` ${credentials.admin.SecretAccessKey} ` });
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.context().close();
});

// Navigation Timing of the sign-in page: the first load in a new browser context (new renderer
// process, empty cache), then a reload with the cache disabled (every byte fetched again, the
// renderer already running). Printed for docs/PERFORMANCE.md, never asserted.
async function loadTiming(page) {
  await page.getByLabel('Access key id').waitFor();
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return `loadEventEnd ${nav.loadEventEnd.toFixed(1)} ms, first contentful paint ` +
           `${fcp ? fcp.startTime.toFixed(1) : '?'} ms (page answered at ${nav.responseEnd.toFixed(1)} ms, ` +
           `parsed at ${nav.domInteractive.toFixed(1)} ms)`;
  });
}

test('over HTTPS (serve --tls-cert) the console signs in as over HTTP, its security headers kept', async () => {
  const cert = join(work, 'tls-cert.pem');
  const key = join(work, 'tls-key.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
                        '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
                        '-keyout', key, '-out', cert]);
  const tls = await startServer(`sqlite://${join(work, 'mesh.db')}`, ['--tls-cert', cert, '--tls-key', key]);
  try {
    assert.match(tls.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    // The certificate is self-signed: this browser context trusts it as a user would accept it.
    const page = await newPage({ ignoreHTTPSErrors: true });
    const response = await page.goto(tls.url);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-security-policy'], /default-src 'self'/);
    assert.equal(response.headers()['x-content-type-options'], 'nosniff');
    assert.equal(await page.evaluate(() => window.isSecureContext), true);
    await page.getByLabel('Access key id').fill(credentials.admin.AccessKeyId);
    await page.getByLabel('Secret access key').fill(credentials.admin.SecretAccessKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await tab(page, 'Accounts').waitFor();
    await page.context().close();
  } finally {
    tls.child.kill('SIGTERM');
    if (tls.child.exitCode === null) await new Promise((resolve) => tls.child.once('exit', resolve));
  }
});

test('a page the browser gives no WebCrypto (plain HTTP from another host) says why it cannot sign in', async () => {
  const page = await newPage();
  // What a browser does for a page that is not a secure context: no crypto.subtle.
  await page.addInitScript(() => {
    Object.defineProperty(Crypto.prototype, 'subtle', { get: () => undefined });
  });
  await page.goto(base);
  await page.getByRole('alert').filter({ hasText: 'only for pages served over HTTPS or from localhost' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Sign in' }).isDisabled(), true);
  await page.context().close();
});

test('first page load on loopback (printed, not asserted); injected inline code does not run', async () => {
  const page = await newPage();
  await page.goto(base);
  console.log(`console first load (new context): ${await loadTiming(page)}`);
  // The policy allows the page's own blocks by hash: a script added to the page is refused.
  const ran = await page.evaluate(() => {
    const injected = document.createElement('script');
    injected.textContent = 'window.datameshInjected = true;';
    document.head.append(injected);
    return window.datameshInjected === true;
  });
  assert.equal(ran, false, 'an injected inline script ran');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await page.reload();
  console.log(`console load without cache (renderer running): ${await loadTiming(page)}`);
  await visit(page, 'signin');
  await page.context().close();
});

test('the admin creates and enables the producer and consumer accounts', async () => {
  const page = pages.admin = await newPage();
  await signIn(page, credentials.admin);
  await tab(page, 'Accounts').waitFor();
  assert.equal(await tab(page, 'Catalog').count(), 0, 'the mesh admin is no consumer');
  await visit(page, 'accounts');
  for (const [persona, name, id] of [['producer', 'sales', '111111111111'], ['consumer', 'marketing', '222222222222']]) {
    await page.getByLabel('Account name').fill(name);
    await page.getByLabel('Account id (12 digits, optional)').fill(id);
    await page.getByRole('button', { name: 'Create account' }).click();
    const secret = page.locator('.secret');
    await secret.waitFor();
    credentials[persona] = { AccountId: id, AccessKeyId: await secret.locator('.key-id').innerText(),
                             SecretAccessKey: await secret.locator('.key-secret').innerText() };
    if (persona === 'producer') await screenshot(page, 'accounts-secret-once');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    assert.equal(await page.locator('.secret').count(), 0, 'the secret is shown once');
    const card = page.getByRole('listitem', { name: `Account ${name}` });
    await card.getByRole('button', { name: `Enable as ${persona}` }).click();
    await card.getByText('enabled, not yet set up').waitFor();
  }
  // An error of the server, in words: the account exists already.
  await page.getByLabel('Account name').fill('sales again');
  await page.getByLabel('Account id (12 digits, optional)').fill('111111111111');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('alert').filter({ hasText: 'It already exists.' }).waitFor();
  await tab(page, 'Audit log').click();
  await page.getByText(/Audit log intact: \d+ events checked/).waitFor();
  // The head to keep outside the mesh, as verify-audit reports it.
  const verified = JSON.parse((await datamesh(['admin', 'verify-audit'], credentials.admin)).stdout);
  assert.equal(await page.locator('.head-hash').innerText(), verified.HeadHash);
  await page.getByText(`Head: event ${verified.HeadSequence}`).waitFor();
  // An auditor's filter: one kind of decision, with what it changed.
  await page.getByLabel('Actions (e.g. deny_access_request, comma-separated)').fill('enable_account_as_producer');
  await page.getByLabel('Actions (e.g. deny_access_request, comma-separated)').press('Tab');
  const rows = page.locator('table.audit tbody tr');
  await page.waitForFunction(() => document.querySelectorAll('table.audit tbody tr').length === 1);
  assert.match(await rows.first().innerText(), /enable_account_as_producer\s+account\/111111111111/);
  await page.getByLabel('Actions (e.g. deny_access_request, comma-separated)').fill('');
  await page.getByLabel('Actions (e.g. deny_access_request, comma-separated)').press('Tab');
  await page.waitForFunction(() => document.querySelectorAll('table.audit tbody tr').length > 1);
  await visit(page, 'audit');
});

test('the producer publishes a product with a live preview of the tables', async () => {
  // The source database and its tables come from the CLI, as a producer's tooling makes them.
  await datamesh(['catalog', 'create-database', '--database-input', '{"Name": "sales", "Description": "sales data"}'], credentials.producer);
  await datamesh(['catalog', 'create-table', '--database-name', 'sales', '--table-input', `file://${data}/cli/data/orders.json`], credentials.producer);
  await datamesh(['catalog', 'import-tables', '--database-name', 'sales', '--get-tables-json', `@${data}/cli/data/get-tables.json`], credentials.producer);
  const page = pages.producer = await newPage();
  await signIn(page, credentials.producer);
  await tab(page, 'Requests').waitFor();
  assert.equal(await tab(page, 'Accounts').count(), 0, 'a producer sees no admin page');
  assert.equal(await tab(page, 'Catalog').count(), 0, 'nor a consumer page');
  await tab(page, 'Publish').click();
  await page.getByLabel(/^Tables/).fill('order.*');
  await page.getByText('Selects 2 tables:').waitFor();
  await page.locator('#publish-preview').getByText('order_items').waitFor();
  await page.getByLabel(/^Tables/).fill('refunds');
  await page.getByText('Selects 1 table:').waitFor();
  // The server refuses an expression that does not compile, and the page says so in words.
  await page.getByLabel(/^Tables/).fill('order(');
  await page.getByRole('alert').filter({ hasText: 'The request was not accepted.' }).waitFor();
  await page.getByLabel(/^Tables/).fill('order.*');
  await page.getByText('Selects 2 tables:').waitFor();
  await page.getByLabel('Domain').fill('sales');
  await page.getByLabel('Product name').fill('orders');
  await visit(page, 'publish');
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.getByText('Published 2 table(s) as sales-111111111111.').waitFor();
  await tab(page, 'My products').click();
  await page.getByRole('cell', { name: 'order_items' }).first().waitFor();
  await page.getByRole('cell', { name: 'nobody' }).first().waitFor();
  await tab(page, 'Requests').click();
  await page.getByText('No request is waiting for you.').waitFor();
});

test('the consumer finds the product and requests tables with a live preview', async () => {
  const page = pages.consumer = await newPage();
  await signIn(page, credentials.consumer);
  await tab(page, 'Catalog').waitFor();
  assert.equal(await tab(page, 'Requests').count(), 0, 'a consumer sees no producer page');
  await page.getByRole('heading', { name: 'orders' }).waitFor();
  await visit(page, 'catalog');
  await page.getByLabel(/^Search/).fill('nothing-like-this');
  await page.getByText('No product matches this search.').waitFor();
  await page.getByLabel(/^Search/).fill('order_items');
  await page.getByRole('heading', { name: 'orders' }).waitFor();
  // The product publishes public metadata: a table's columns show before any request.
  await page.getByRole('button', { name: 'orders', exact: true }).click();
  const columns = page.getByRole('table', { name: /^orders/ });
  await columns.getByRole('cell', { name: 'order_id' }).waitFor();
  await columns.getByRole('cell', { name: 'decimal(10,2)' }).waitFor();
  await columns.getByRole('cell', { name: 'day' }).waitFor();
  // The partition key is marked as one; the other columns are not.
  assert.equal(await columns.getByRole('cell', { name: 'partition key' }).count(), 1);
  assert.match(await columns.getByRole('row').filter({ hasText: 'partition key' }).innerText(), /^day\s/);
  await checkA11y(page, 'catalog with columns');
  await page.getByRole('button', { name: 'Request access' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('Matches 2 of 2: order_items, orders').waitFor();
  await dialog.getByLabel(/^Tables or patterns/).fill('orders');
  await dialog.getByText('Matches 1 of 2: orders').waitFor();
  await dialog.getByLabel(/^Tables or patterns/).fill('order.*');
  await dialog.getByLabel('INSERT').check();
  await checkA11y(page, 'request dialog');
  await screenshot(page, 'request-dialog');
  await dialog.getByRole('button', { name: 'Send request' }).click();
  const notice = page.getByText(/^Request \S+ sent/);
  await notice.waitFor();
  subscriptionId = (await notice.innerText()).split(' ')[1];
  await tab(page, 'My subscriptions').click();
  const card = page.getByRole('listitem', { name: `Subscription ${subscriptionId}` });
  await card.getByText('Pending').waitFor();
  await visit(page, 'my-subscriptions');
});

test('a failed load offers "Try again" only when trying again may help', async () => {
  const page = await newPage();
  await signIn(page, credentials.consumer);
  await tab(page, 'Catalog').waitFor();
  await visit(page, 'catalog');
  let injected = { status: 403, code: 'PermissionDenied' };
  await page.route('**/v1/consumer/get-published-table', (route) => (injected
    ? route.fulfill({ status: injected.status, contentType: 'application/json',
                      body: JSON.stringify({ Error: { Code: injected.code, Message: 'injected by the test' } }) })
    : route.continue()));
  const table = page.getByRole('button', { name: 'orders', exact: true });
  // Refused: the same again would be refused again.
  await table.click();
  await page.getByRole('alert').filter({ hasText: 'Your account may not do this.' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Try again' }).count(), 0);
  await table.click();
  // The server busy: trying again helps, once it is not.
  injected = { status: 503, code: 'Unavailable' };
  await table.click();
  await page.getByRole('alert').filter({ hasText: 'The server is busy' }).waitFor();
  injected = null;
  await page.getByRole('button', { name: 'Try again' }).click();
  await page.getByRole('table', { name: /^orders/ }).getByRole('cell', { name: 'order_id' }).waitFor();
  await page.context().close();
});

test('the producer sees the request appear without reloading, approves it narrower with grantable rights', async () => {
  const page = pages.producer;
  // The page was opened before the request: the poll brings it in.
  const card = page.getByRole('listitem', { name: `Subscription ${subscriptionId}` });
  await card.waitFor();
  await visit(page, 'requests');
  await card.getByRole('button', { name: 'Approve…' }).click();
  const dialog = page.getByRole('dialog');
  assert.equal(await dialog.getByLabel('SELECT', { exact: true }).first().isChecked(), true);
  // Only what may be granted is offered: what was asked, and DESCRIBE.
  const offered = await dialog.getByRole('group', { name: 'Grant', exact: true }).getByRole('checkbox').evaluateAll(
    (boxes) => boxes.map((box) => box.labels[0].innerText.trim()));
  assert.deepEqual(offered, ['SELECT', 'INSERT', 'DESCRIBE']);
  await dialog.getByRole('group', { name: 'Grant', exact: true }).getByLabel('INSERT').uncheck();
  await dialog.getByRole('group', { name: /^Grantable/ }).getByLabel('SELECT').check();
  await dialog.getByLabel('Decision notes').fill('read only for now');
  await checkA11y(page, 'approve dialog');
  await screenshot(page, 'approve-dialog');
  await dialog.getByRole('button', { name: 'Approve' }).click();
  await page.getByText(`Request ${subscriptionId} approved with SELECT.`).waitFor();
  await page.getByText('No request is waiting for you.').waitFor();
});

test('the consumer sees it Active with what is granted and grantable, imports it, reads its timeline', async () => {
  const page = pages.consumer;
  await page.reload();
  const card = page.getByRole('listitem', { name: `Subscription ${subscriptionId}` });
  await card.getByText('Active').first().waitFor();
  await card.getByText('not imported').waitFor();
  const granted = card.locator('dt:text-is("Granted") + dd');
  assert.match(await granted.innerText(), /SELECT/);
  assert.doesNotMatch(await granted.innerText(), /INSERT/);
  assert.equal(await card.locator('dt:text-is("Grantable") + dd').innerText(), 'SELECT');
  await card.getByRole('button', { name: 'Import (finalize)' }).click();
  await page.getByText(`Subscription ${subscriptionId} imported`).waitFor();
  const fresh = page.getByRole('listitem', { name: `Subscription ${subscriptionId}` });
  await fresh.getByText('not imported').waitFor({ state: 'detached' });
  await fresh.getByRole('button', { name: 'History' }).click();
  const history = fresh.getByRole('list', { name: 'History' });
  await history.getByText('approved').waitFor();
  await history.getByText('read only for now').waitFor();
  await history.getByText('imported the shared tables').waitFor();
  await visit(page, 'subscription-timeline');
  // Columns of a table become visible through the consumer's links.
  await tab(page, 'Catalog').click();
  await page.getByRole('button', { name: 'orders', exact: true }).click();
  await page.getByRole('cell', { name: 'order_id' }).waitFor();
});

async function activeCard(page, id) {
  const section = page.getByRole('region', { name: 'Active subscriptions' });
  const card = section.getByRole('listitem', { name: `Subscription ${id}` });
  await card.waitFor();
  return card;
}

test('the mesh admin sees who holds what across the mesh, by status, product and consumer', async () => {
  const admin = pages.admin;
  await tab(admin, 'Access').click();
  const card = admin.getByRole('listitem', { name: `Subscription ${subscriptionId}` });
  await card.getByText('Active').first().waitFor();
  assert.equal(await card.locator('dt:text-is("Granted") + dd').innerText(), 'SELECT, DESCRIBE');
  await visit(admin, 'access');
  await admin.getByLabel('Consumer account').fill('111111111111');
  await admin.getByLabel('Consumer account').press('Tab');
  await admin.getByText('No Active subscription matches.').waitFor();
  await admin.getByLabel('Consumer account').fill('222222222222');
  await admin.getByLabel('Consumer account').press('Tab');
  await card.waitFor();
  await admin.getByLabel('Status').selectOption('Pending');
  await admin.getByText('No Pending subscription matches.').waitFor();
  await admin.getByLabel('Status').selectOption('Active');
  await card.waitFor();  // that listing is in: its answer would reset the field being filled
  // A product name typed in part (or the source database's) names no product: said, no alert.
  await admin.getByLabel('Product (mesh database)').fill('sales');
  await admin.getByLabel('Product (mesh database)').press('Tab');
  await admin.getByText('No product is published as mesh database sales.').waitFor();
  assert.equal(await admin.getByRole('alert').count(), 0);
  await admin.getByLabel('Product (mesh database)').fill('');
  await admin.getByLabel('Product (mesh database)').press('Tab');
  await card.waitFor();
});

test('the producer sees who has access to each table, changes the permissions, then revokes', async () => {
  const page = pages.producer;
  await tab(page, 'My products').click();
  const orders = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'orders', exact: true }) }).first();
  await orders.getByText(/account 222222222222 \(SELECT/).waitFor();
  await visit(page, 'products');
  await tab(page, 'Requests').click();
  let card = await activeCard(page, subscriptionId);
  await card.getByRole('button', { name: 'Change permissions…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('group', { name: 'Grant', exact: true }).getByLabel('SELECT').uncheck();
  await dialog.getByRole('group', { name: 'Grant', exact: true }).getByLabel('DESCRIBE').check();
  await dialog.getByLabel('Notes').fill('metadata only');
  await dialog.getByRole('button', { name: 'Save permissions' }).click();
  await page.getByText(`Subscription ${subscriptionId} now grants DESCRIBE.`).waitFor();

  const consumer = pages.consumer;
  await tab(consumer, 'My subscriptions').click();
  const mine = consumer.getByRole('listitem', { name: `Subscription ${subscriptionId}` });
  await consumer.waitForFunction((id) => {
    const item = document.querySelector(`[aria-label="Subscription ${id}"]`);
    return item && /Granted\s*DESCRIBE/.test(item.innerText);
  }, subscriptionId, { timeout: kTimeout });
  assert.match(await mine.innerText(), /metadata only/);

  card = await activeCard(page, subscriptionId);
  // A revocation must say why: the button waits for the reason.
  assert.equal(await card.getByRole('button', { name: 'Revoke' }).isDisabled(), true);
  await card.getByLabel('Reason').fill('contract ended');
  await card.getByRole('button', { name: 'Revoke' }).click();
  await page.getByText(`Subscription ${subscriptionId} revoked.`).waitFor();
});

test('the consumer leaves an Active subscription, its timeline ending there; a denied request shows its reason', async () => {
  const consumer = pages.consumer;
  await consumer.reload();
  assert.equal(await consumer.getByRole('listitem', { name: `Subscription ${subscriptionId}` }).count(), 0,
               'a revoked subscription is no longer listed');
  await tab(consumer, 'Catalog').click();
  await consumer.getByRole('button', { name: 'Request access' }).click();
  await consumer.getByRole('dialog').getByRole('button', { name: 'Send request' }).click();
  const notice = consumer.getByText(/^Request \S+ sent/);
  await notice.waitFor();
  const second = (await notice.innerText()).split(' ')[1];

  const producer = pages.producer;
  const card = producer.getByRole('listitem', { name: `Subscription ${second}` });
  await card.getByRole('button', { name: 'Approve…' }).click();
  await producer.getByRole('dialog').getByRole('button', { name: 'Approve' }).click();
  await producer.getByText(`Request ${second} approved with SELECT.`).waitFor();

  await tab(consumer, 'My subscriptions').click();
  const mine = consumer.getByRole('listitem', { name: `Subscription ${second}` });
  await mine.getByText('Active').first().waitFor();
  assert.equal(await mine.getByRole('button', { name: 'Leave' }).isDisabled(), true);
  await mine.getByLabel('Reason').fill('no longer needed');
  await mine.getByRole('button', { name: 'Leave' }).click();
  await consumer.getByText(`Subscription ${second} ended.`).waitFor();
  await consumer.getByText('You have no live subscription').waitFor();
  // The subscription it left is one click away, with its reason, and offers no action.
  await consumer.getByLabel('Show ended subscriptions').check();
  const ended = consumer.getByRole('listitem', { name: `Subscription ${second}` });
  await ended.getByText('Deleted').first().waitFor();
  await ended.getByText('no longer needed').waitFor();
  assert.equal(await ended.getByRole('button', { name: 'Leave' }).count(), 0);
  await consumer.getByLabel('Show ended subscriptions').uncheck();
  await consumer.getByText('You have no live subscription').waitFor();

  const history = await datamesh(['producer', 'get-subscription-history', '--subscription-id', second], credentials.producer);
  assert.deepEqual(JSON.parse(history.stdout).Events.map((e) => e.Action),
                   ['request_access_to_product', 'approve_access_request', 'delete_subscription']);

  // A third request, denied with a reason: the consumer sees it Denied, with the reason.
  await tab(consumer, 'Catalog').click();
  await consumer.getByRole('button', { name: 'Request access' }).click();
  await consumer.getByRole('dialog').getByRole('button', { name: 'Send request' }).click();
  const third = (await consumer.getByText(/^Request \S+ sent/).innerText()).split(' ')[1];
  const pending = producer.getByRole('listitem', { name: `Subscription ${third}` });
  await pending.getByLabel('Reason').fill('not this quarter');
  await pending.getByRole('button', { name: 'Deny' }).click();
  await producer.getByText(`Request ${third} denied.`).waitFor();
  await tab(consumer, 'My subscriptions').click();
  const denied = consumer.getByRole('listitem', { name: `Subscription ${third}` });
  await denied.getByText('Denied').first().waitFor();
  await denied.getByText('not this quarter').waitFor();
});

test('a request withdrawn while the producer decides it closes the dialog with a word why', async () => {
  const consumer = pages.consumer;
  await tab(consumer, 'Catalog').click();
  await consumer.getByRole('button', { name: 'Request access' }).click();
  await consumer.getByRole('dialog').getByRole('button', { name: 'Send request' }).click();
  const id = (await consumer.getByText(/^Request \S+ sent/).innerText()).split(' ')[1];
  const producer = pages.producer;
  await producer.getByRole('listitem', { name: `Subscription ${id}` })
    .getByRole('button', { name: 'Approve…' }).click();
  await producer.getByRole('dialog').waitFor();
  await datamesh(['consumer', 'delete-subscription', '--subscription-id', id, '--reason', 'asked by mistake'],
                 credentials.consumer);
  await producer.getByText(`Request ${id} is no longer pending: its consumer withdrew it`).waitFor();
  assert.equal(await producer.getByRole('dialog').count(), 0);
});

test('a forbidden action is hidden in the page and refused by the server', async () => {
  const page = pages.consumer;
  await page.goto(`${base}/#/accounts`);
  await tab(page, 'Catalog').waitFor();
  assert.equal(await tab(page, 'Accounts').count(), 0);
  assert.equal(await page.getByRole('heading', { name: 'Accounts' }).count(), 0);
  await assert.rejects(datamesh(['admin', 'list-accounts'], credentials.consumer),
                       (e) => /PermissionDenied|only the mesh admin/.test(e.stderr + e.stdout));
});

test('an idle session expires and asks to sign in again, though the page polls', async () => {
  const page = await newPage();
  await page.clock.install();
  await signIn(page, credentials.producer);
  // The Requests page polls for new requests: that is no use of the session.
  await page.getByRole('heading', { name: /^Pending requests/ }).waitFor();
  await page.clock.fastForward('31:00');
  await page.getByText('Your session ended after 30 minutes without use. Sign in again.').waitFor();
  await page.getByLabel('Secret access key').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'the signing key is forgotten');
  await page.context().close();
});

test('sign-out forgets the key; the secret was never stored', async () => {
  const page = pages.consumer;
  const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }));
  assert.ok(!stored.includes(credentials.consumer.SecretAccessKey), 'the secret is not stored');
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Secret access key').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
});

test('an account enabled while its page is open gets its pages without signing in again', async () => {
  const { stdout } = await datamesh(['admin', 'create-account', '--account-name', 'finance',
                                     '--account-id', '333333333333'], credentials.admin);
  const page = await newPage();
  await signIn(page, JSON.parse(stdout));
  await page.getByText('This account has no role in the mesh yet').waitFor();
  await page.getByRole('button', { name: 'Check again' }).click();
  await page.getByText('This account has no role in the mesh yet').waitFor();
  await datamesh(['admin', 'enable-account-as-consumer', '--account-id', '333333333333'], credentials.admin);
  await page.getByRole('button', { name: 'Check again' }).click();
  await tab(page, 'My subscriptions').waitFor();
  assert.equal(await page.getByText('This account has no role in the mesh yet').count(), 0);
  await page.context().close();
});

test('the key one is signed in with is marked, and says how to revoke it instead of failing', async () => {
  const { stdout } = await datamesh(['admin', 'create-access-key', '--account-id', '999999999999'],
                                    credentials.admin);
  const second = JSON.parse(stdout);
  const page = await newPage();
  await signIn(page, second);
  await tab(page, 'Accounts').click();
  const card = page.getByRole('listitem', { name: 'Account demo' });
  await card.getByRole('button', { name: 'Access keys' }).click();
  const own = card.getByRole('row').filter({ hasText: second.AccessKeyId });
  await own.getByText('(this session)').waitFor();
  await own.getByText('to revoke it, sign in with another admin key').waitFor();
  assert.equal(await own.getByRole('button').count(), 0);
  // The first admin key is another key: it can be revoked from here (and is not, to keep it).
  const first = card.getByRole('row').filter({ hasText: credentials.admin.AccessKeyId });
  assert.equal(await first.getByText('(this session)').count(), 0);
  await first.getByRole('button', { name: `Revoke key ${credentials.admin.AccessKeyId}` }).waitFor();
  await page.context().close();
});

test('a new key shows its secret once; a revoked key stops working at its next call; an unreachable server is explained', async () => {
  const admin = pages.admin;
  await tab(admin, 'Accounts').click();
  const card = admin.getByRole('listitem', { name: 'Account sales' });
  await card.getByRole('button', { name: 'Access keys' }).click();
  // A new key: its secret is shown once. In a short window the button is scrolled to, below the
  // top of the page, where the secret appears.
  const viewport = admin.viewportSize();
  await admin.setViewportSize({ width: viewport.width, height: 300 });
  await card.getByRole('button', { name: 'Create access key' }).click();
  const secret = admin.locator('.secret');
  await secret.waitFor();
  assert.match(await secret.locator('.key-secret').innerText(), /\S{20,}/);
  // Shown at the top of the page, it is brought into view, wherever the button was.
  await admin.waitForFunction(() => {
    const box = document.querySelector('.secret').getBoundingClientRect();
    return box.top > -1 && box.top < window.innerHeight;  // its top line on screen
  }, null, { timeout: 2000 });
  await admin.setViewportSize(viewport);
  await admin.getByRole('button', { name: 'I have stored it' }).click();
  await secret.waitFor({ state: 'detached' });
  await card.getByRole('button', { name: `Revoke key ${credentials.producer.AccessKeyId}` }).click();
  await card.getByRole('row').filter({ hasText: credentials.producer.AccessKeyId }).getByRole('cell', { name: 'Revoked' }).waitFor();
  const producer = pages.producer;
  await tab(producer, 'My products').click();
  await producer.getByText('Your access key was not accepted.').waitFor();

  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await tab(admin, 'Audit log').click();
  await admin.getByText('The server could not be reached.').first().waitFor();
});
