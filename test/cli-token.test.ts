import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { TokenTable } from '../src/http/index.js';
import { parseConfig } from '../src/shared/config/index.js';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'amiq.js');
const amiq = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('amiq token create', () => {
  it('prints the token once and the [[http.tokens]] lines holding only its hash; the lines are a valid config that accepts the token', () => {
    const r = amiq('token', 'create', '--name', 'crm', '--servers', 'pbx1, pbx2', '--actions', 'Originate,Hangup', '--read-only', '--rate', '5');
    expect(r.status, r.stderr).toBe(0);
    const token = /^token: (amiq_[A-Za-z0-9_-]{43})$/m.exec(r.stdout)?.[1];
    expect(token).toBeDefined();
    const toml = r.stdout.slice(r.stdout.indexOf('[[http.tokens]]'));
    expect(toml).not.toContain(token);
    const config = parseConfig(parse(toml));
    expect(config.http.tokens).toEqual([
      {
        name: 'crm',
        hash: createHash('sha256').update(token!).digest('hex'),
        servers: ['pbx1', 'pbx2'],
        actions: ['Originate', 'Hangup'],
        read_only: true,
        rate_per_second: 5,
      },
    ]);
    expect(new TokenTable(config.http.tokens).find(token!)).toMatchObject({ name: 'crm', readOnly: true });
    expect(new TokenTable(config.http.tokens).find(`${token}x`)).toBeUndefined();
  });

  it('defaults: all servers, all actions, writer, 50/s; --json; two runs, two tokens', () => {
    const a = JSON.parse(amiq('token', 'create', '--name', 'a', '--json').stdout) as { token: string; hash: string; config: string };
    const b = JSON.parse(amiq('token', 'create', '--name', 'a', '--json').stdout) as { token: string };
    expect(a.token).not.toBe(b.token);
    expect(parseConfig(parse(a.config)).http.tokens[0]).toEqual({
      name: 'a',
      hash: a.hash,
      servers: 'all',
      actions: 'all',
      read_only: false,
      rate_per_second: 50,
    });
  });

  it('bad input is exit 2 naming the flag', () => {
    const name = amiq('token', 'create', '--name', 'a b');
    expect(name.status).toBe(2);
    expect(name.stderr).toMatch(/--name: expected/);
    const rate = amiq('token', 'create', '--name', 'a', '--rate', '-1');
    expect(rate.status).toBe(2);
    expect(rate.stderr).toMatch(/--rate: expected an integer >= 0/);
    expect(amiq('token', 'create').status).toBe(2);
  });
});
