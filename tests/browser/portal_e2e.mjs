// Browser end-to-end test of the cardholder portal (issue 4), run by ctest (portal_browser_e2e):
// starts yikad itself on free ports over a fresh demo data folder, drives headless Debian
// chromium with playwright-core to register, bind two cards, set a payment password and pay a
// web-shop order that needs both cards, then checks the balances on the page, the order through
// the shop API, and the ledger with `yikad verify`.
//
// Usage: node portal_e2e.mjs YIKAD_PATH [SCREENSHOT_DIR]

import { spawn, spawnSync } from 'node:child_process';
import { createHmac, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const yikad = process.argv[2];
const screenshots = process.argv[3] || '';
const timeoutMs = 15000;
const work = mkdtempSync(join(tmpdir(), 'yika-e2e-'));
const data = join(work, 'data');
let server = null;
let context = null;

function fail(message) {
  throw new Error(message);
}

function check(condition, message) {
  if (!condition) fail(message);
  console.log('ok - ' + message);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function csv(path) {
  return readFileSync(path, 'utf8').trim().split('\n').map((line) => line.split(','));
}

function startServer(ports) {
  return new Promise((resolve, reject) => {
    const child = spawn(yikad, ['serve', '--data', data, '--pos-port', String(ports[0]),
      '--http-port', String(ports[1]), '--portal-port', String(ports[2])],
    { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error('yikad did not start: ' + out)), timeoutMs);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('cardholder portal')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on('exit', (code) => reject(new Error('yikad exited with ' + code + ': ' + out)));
  });
}

// A signed web-shop request (docs/portal-api.md; the terminal HTTP signature scheme).
async function shopRequest(base, shop, method, path, body) {
  const [tid, , keyHex] = shop;
  const timestamp = String(Date.now());
  const nonce = randomBytes(16).toString('hex');
  const digest = createHash('sha256').update(body).digest('hex');
  const canonical = [method, path, timestamp, nonce, digest].join('\n');
  const signature = createHmac('sha256', Buffer.from(keyHex, 'hex')).update(canonical).digest('hex');
  const res = await fetch(base + path, {
    method,
    headers: {
      'Content-Type': 'application/json', 'X-Yika-Terminal': tid, 'X-Yika-Timestamp': timestamp,
      'X-Yika-Nonce': nonce, 'X-Yika-Signature': signature,
    },
    body: method === 'POST' ? body : undefined,
  });
  return { status: res.status, json: await res.json() };
}

async function messageIs(page, text) {
  await page.waitForFunction((t) => {
    const m = document.getElementById('message');
    return m && !m.hidden && m.textContent.includes(t);
  }, text, { timeout: timeoutMs });
}

async function main() {
  const init = spawnSync(yikad, ['init', '--data', data, '--demo'], { encoding: 'utf8' });
  check(init.status === 0, 'yikad init --demo');
  const cards = csv(join(data, 'demo', 'cards.csv')).slice(2, 4);  // two named cards, ~487 each
  const shop = csv(join(data, 'demo', 'shop.csv'))[0];
  const ports = [await freePort(), await freePort(), await freePort()];
  server = await startServer(ports);
  const base = 'http://127.0.0.1:' + ports[2];

  const created = await shopRequest(base, shop, 'POST', '/v1/shop/orders', JSON.stringify({
    merchant_order_id: 'E2E-' + Date.now(), amount_minor: 80000, description: 'E2E order',
    return_url: 'https://shop.example/done',
  }));
  check(created.status === 201, 'the shop creates a payment order of 800.00');

  const userData = mkdtempSync(join(work, 'chromium-'));
  context = await chromium.launchPersistentContext(userData, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 390, height: 844 },  // a phone screen
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(timeoutMs);

  await page.goto(base + '/#/register');
  await page.fill('#register-form input[name=login]', '13800138000');
  await page.fill('#register-form input[name=password]', 'portal-pass-1');
  await page.click('#register-form button[type=submit]');
  await page.waitForSelector('#view-cards:not([hidden])');
  check(true, 'registered and logged in');

  for (const [pan, pin] of cards) {
    await page.goto(base + '/#/bind');
    await page.fill('#bind-form input[name=card_number]', pan);
    await page.fill('#bind-form input[name=pin]', pin);
    await page.click('#bind-form button[type=submit]');
    await messageIs(page, 'Card bound');
  }
  await page.waitForFunction(() => document.querySelectorAll('#card-list li').length === 2);
  const before = Number(await page.textContent('#total'));
  check(before > 800 && before < 1000, 'two cards bound, ' + before + ' available in total');
  if (screenshots) await page.screenshot({ path: join(screenshots, 'portal-cards.png'), fullPage: true });

  await page.goto(base + '/#/settings');
  await page.fill('#paypw-form input[name=password]', 'portal-pass-1');
  await page.fill('#paypw-form input[name=pay_password]', '135790');
  await page.click('#paypw-form button[type=submit]');
  await messageIs(page, 'Saved');
  check(true, 'payment password set');

  await page.goto(base + '/#/pay/' + created.json.pay_token);
  await page.waitForFunction(() => document.getElementById('pay-amount').textContent === '800.00');
  if (screenshots) await page.screenshot({ path: join(screenshots, 'portal-pay.png'), fullPage: true });
  await page.fill('#pay-form input[name=pay_password]', '135790');
  await page.click('#pay-form button[type=submit]');
  await messageIs(page, 'Paid');
  const legs = await page.$$eval('#pay-legs li', (items) => items.length);
  check(legs === 2, 'the order was paid with both cards (2 legs)');
  check((await page.textContent('#pay-state')) === 'PAID', 'the page shows the order PAID');

  await page.goto(base + '/#/cards');
  await page.waitForFunction((expected) => document.getElementById('total').textContent === expected,
    (before - 800).toFixed(2));
  check(true, 'the page shows ' + (before - 800).toFixed(2) + ' left');
  if (screenshots) await page.screenshot({ path: join(screenshots, 'portal-after.png'), fullPage: true });

  const polled = await shopRequest(base, shop, 'GET',
    '/v1/shop/orders/' + created.json.merchant_order_id, '');
  check(polled.status === 200 && polled.json.state === 'PAID', 'the shop polls the order: PAID');

  await context.close();
  context = null;
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  server = null;
  const verify = spawnSync(yikad, ['verify', '--data', data], { encoding: 'utf8' });
  check(verify.status === 0, 'yikad verify: every ledger invariant holds');
}

main().then(() => {
  rmSync(work, { recursive: true, force: true });
  console.log('portal e2e: passed');
}).catch(async (e) => {
  console.error('portal e2e: FAILED: ' + e.message);
  if (context) await context.close().catch(() => {});
  if (server) server.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
  process.exit(1);
});
