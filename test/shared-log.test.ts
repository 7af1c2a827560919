import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, redactSecrets } from '../src/shared/log.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fileLogger() {
  const dir = mkdtempSync(join(tmpdir(), 'amiq-log-'));
  dirs.push(dir);
  const path = join(dir, 'sub', 'w.log');
  return { logger: createLogger({ name: 't', destination: path }), read: () => readFileSync(path, 'utf8') };
}

describe('createLogger', () => {
  it('writes JSON lines to a file destination, creating its directory', () => {
    const { logger, read } = fileLogger();
    logger.info({ row: 7 }, 'hello');
    const line = JSON.parse(read().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ name: 't', row: 7, msg: 'hello' });
  });

  it('redacts secrets at any depth, in records and AMI header pairs', () => {
    const { logger, read } = fileLogger();
    logger.info(
      {
        secret: 's0',
        ami: { host: 'pbx', secret: 's1' },
        config: { ami: { secret: 's2' }, deep: { deeper: { password: 's3', Key: 's4' } } },
        headers: { Action: 'Login', Secret: 's5' },
        frame: [
          ['Action', 'Login'],
          ['Secret', 's6'],
        ],
      },
      'login',
    );
    const out = read();
    for (const s of ['s0', 's1', 's2', 's3', 's4', 's5', 's6']) expect(out).not.toContain(`"${s}"`);
    const line = JSON.parse(out.trim());
    expect(line.ami).toEqual({ host: 'pbx', secret: '[Redacted]' });
    expect(line.frame).toEqual([
      ['Action', 'Login'],
      ['Secret', '[Redacted]'],
    ]);
    expect(line.headers.Action).toBe('Login');
  });

  it('silent level writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'amiq-log-'));
    dirs.push(dir);
    const path = join(dir, 'x.log');
    createLogger({ level: 'silent', destination: path }).error('nope');
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('redactSecrets leaves objects without secrets untouched', () => {
    const obj = { a: { b: [1, 2, { c: 'd' }] } };
    expect(redactSecrets(obj)).toBe(obj);
  });
});
