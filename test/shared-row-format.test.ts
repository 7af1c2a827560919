import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, logFormatFor } from '../src/shared/log.js';
import { tempDb, type TempDb } from './helpers/shared-helpers.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'amiq.js');
let t: TempDb;
beforeEach(async () => {
  t = await tempDb('amiq-rows-');
});
afterEach(async () => {
  await t.cleanup();
});

function amiq(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [BIN, '--db', t.path, ...args], { cwd: t.dir, encoding: 'utf8', env: { ...process.env, AMIQ_CONFIG: '', ...env } });
}

async function busyCall(): Promise<void> {
  await t.db
    .insertInto('manager_queue')
    .values({
      action: 'Originate',
      server: 'default',
      status: 'SUCCESS',
      channel: 'PJSIP/2001',
      created_at: '2026-01-15T04:00:00.000Z',
      call_state: 'FAILED',
      call_reason: 5,
      hangup_cause: 17,
      hangup_cause_txt: 'User busy',
    })
    .execute();
}

describe('show and watch read like a person would say it', () => {
  it('show prints the call reason in words next to its number', async () => {
    await busyCall();
    const r = amiq(['show', '1']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^call_reason +5 busy$/m);
    expect(r.stdout).toMatch(/^hangup_cause_txt +User busy$/m);
  });

  it('watch shows the hangup cause (number and text), times in UTC or with --local in the host zone', async () => {
    await busyCall();
    const utc = amiq(['watch', '--once']);
    expect(utc.status).toBe(0);
    const [head, row] = utc.stdout.split('\n');
    expect(head).toMatch(/CAUSE +CREATED UTC +MESSAGE/);
    expect(row).toContain('17 User busy');
    expect(row).toContain('04:00:00.000');
    // Kolkata is UTC+05:30 all year: no daylight-saving guesswork.
    const local = amiq(['watch', '--once', '--local'], { TZ: 'Asia/Kolkata' });
    expect(local.stdout.split('\n')[0]).toContain('CREATED LOCAL');
    expect(local.stdout.split('\n')[1]).toContain('09:30:00.000');
  });
});

describe('log format', () => {
  it('pretty on a terminal, JSON elsewhere; the flag wins over AMIQ_LOG_FORMAT, which wins over the terminal', () => {
    expect(logFormatFor(undefined, {}, true)).toBe('pretty');
    expect(logFormatFor(undefined, {}, false)).toBe('json');
    expect(logFormatFor(undefined, { AMIQ_LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormatFor('pretty', { AMIQ_LOG_FORMAT: 'json' }, false)).toBe('pretty');
    expect(logFormatFor('xml', {}, true)).toBeUndefined();
  });

  it('a pretty line is one readable line with the worker first, secrets still redacted', () => {
    const file = join(t.dir, 'pretty.log');
    const log = createLogger({ level: 'info', destination: file, format: 'pretty' }).child({ worker: 'action-sender', server: 'default' });
    log.warn({ host: '10.0.0.1', port: 5038, reason: 'ECONNREFUSED', ami: { secret: 's3cret' } }, 'AMI unreachable: 10.0.0.1:5038 ECONNREFUSED');
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] WARN: action-sender: AMI unreachable: 10\.0\.0\.1:5038 ECONNREFUSED \{/);
    expect(lines[0]).toContain('"secret":"[Redacted]"');
    expect(lines[0]).not.toContain('s3cret');
  });
});
