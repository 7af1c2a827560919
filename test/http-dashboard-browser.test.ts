import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freeUdpPort } from './helpers/free-udp-port.js';

/*
 * The dashboard in a real browser (Debian's chromium, driven by playwright-core; never a
 * downloaded browser) against `amiq start --simulate` (needs npm run build). The screenshot goes
 * to a temp dir, or to AMIQ_DASHBOARD_SCREENSHOT (`npm run docs:screenshot` sets docs/dashboard.png).
 */
const BIN = join(import.meta.dirname, '..', 'bin', 'amiq.js');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let dir: string;
let demo: ChildProcess;
let browser: Browser;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'amiq-dashboard-'));
  // The cleaner lists rooms every 2 s, so the conference panel fills while the test watches.
  writeFileSync(join(dir, 'amiq.toml'), `[heartbeat]\nbind = "127.0.0.1"\nport = ${await freeUdpPort()}\n\n[meetme_cleaner]\nschedule = "*/2 * * * * *"\n`);
  const env = { ...process.env };
  for (const k of ['AMIQ_CONFIG', 'AMIQ_DB', 'LOG_LEVEL']) delete env[k];
  demo = spawn(process.execPath, [BIN, '--config', 'amiq.toml', '--db', 'amiq.db', 'start', '--simulate', '--http-port', '0'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = await new Promise<string>((resolve, reject) => {
    const lines: string[] = [];
    demo.once('exit', (code) => reject(new Error(`amiq start exited ${code}:\n${lines.join('\n')}`)));
    createInterface({ input: demo.stdout! }).on('line', (line) => {
      lines.push(line);
      const m = /dashboard and HTTP API: (\S+#token=\S+)/.exec(line);
      if (m) resolve(m[1]!);
    });
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) {
    demo.kill('SIGKILL');
    await new Promise((resolve) => demo.once('exit', resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

it('shows a call appear and end live, the workers, the span and a conference room; saves a screenshot', async () => {
  // A fresh profile per run: the token kept in localStorage comes only from this URL.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const external: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(new URL(url).origin)) external.push(r.url());
  });
  await page.goto(url);
  // The token moved from the fragment into localStorage, out of the address bar.
  await page.waitForSelector('#board:not([hidden])');
  expect(page.url()).not.toContain('token=');
  await page.waitForSelector('#stream-state.ok');
  await page.waitForSelector('#workers tr[data-worker="default/action-sender"]');

  // A call made now, through the API with the same token: it appears over the stream and ends (exten 100 hangs up after 5 s).
  const token = new URL(url).hash.replace('#token=', '');
  const api = (path: string, body: unknown) =>
    fetch(new URL(path, url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (r) => (await r.json()) as { id: number });
  const call = await api('/v1/originate', { channel: 'Local/100@default', exten: '700', context: 'default', tag: 'browser-test' });
  // Two E1 channels up (kept for an hour) and a member alone in ConfBridge room 4000, for the other panels.
  await api('/v1/originate', { channel: 'DAHDI/3', exten: '600', context: 'default' });
  await api('/v1/originate', { channel: 'DAHDI/17', exten: '600', context: 'default' });
  await api('/v1/originate', { channel: 'Local/200@default', exten: '700', context: 'default' });

  const row = `#queue tr[data-id="${call.id}"]`;
  await page.waitForSelector(`${row}[data-call-state="UP"]`, { timeout: 10_000 });
  await page.waitForSelector(`${row}[data-call-state="ENDED"]`, { timeout: 15_000 });
  expect(await page.textContent(`${row} td[data-col="call_state"]`)).toBe('ENDED (Normal Clearing)');
  expect(await page.textContent(`${row} td[data-col="tag"]`)).toBe('browser-test');

  await page.waitForFunction("document.querySelectorAll('#span div.up').length === 2", undefined, { timeout: 10_000 });
  expect(await page.$$eval('#span div.up', (cells) => cells.map((c) => c.textContent))).toEqual(['3', '17']);
  await page.waitForSelector('#cleaner.ok');
  await page.waitForSelector('#conferences .room', { timeout: 15_000 });
  expect(await page.textContent('#conferences')).toContain('confbridge 4000');
  expect(await page.textContent('#workers')).toContain('connected');
  expect(await page.textContent('#rate-now')).toMatch(/\/s over the last 10 s/);
  expect(external).toEqual([]);

  const shot = process.env['AMIQ_DASHBOARD_SCREENSHOT'] || join(dir, 'dashboard.png');
  mkdirSync(dirname(shot), { recursive: true });
  await page.screenshot({ path: shot, fullPage: true });
  expect(statSync(shot).size).toBeGreaterThan(10_000);
  await context.close();
}, 90_000);
