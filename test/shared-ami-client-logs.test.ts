import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AmiAuthError } from '../src/shared/ami/errors.js';
import { scriptedPeerPerTest } from './helpers/scripted-ami-server.js';
import { captureLogger, makeClient, stopClients } from './helpers/ami-client-fixtures.js';

const peer = scriptedPeerPerTest();
afterEach(async () => {
  vi.restoreAllMocks();
  await stopClients();
});

describe('AmiClient logs what an operator needs, once per attempt', () => {
  it('an unreachable AMI is one warn line per attempt with host, port and the reason, no stack', async () => {
    const port = peer.server.port;
    await peer.server.close();
    const log = captureLogger();
    const client = makeClient(port, { logger: log.logger });
    client.start();
    await once(client, 'disconnected');
    await once(client, 'disconnected');
    await client.stop();
    const perAttempt = log.lines.filter((l) => (l.level as number) >= 30 && !/^AMI client (started|stopped)/.test(String(l.msg)));
    expect(perAttempt.length).toBeGreaterThanOrEqual(2);
    for (const line of perAttempt) {
      expect(line).toMatchObject({ level: 40, host: '127.0.0.1', port, reason: 'ECONNREFUSED', msg: `AMI unreachable: 127.0.0.1:${port} ECONNREFUSED` });
      expect(line).not.toHaveProperty('err');
    }
    expect(log.text()).not.toContain('    at ');
  });

  it('Authentication failed names the user, says the secret is wrong, and the next try waits the longest backoff', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1); // the backoff's jitter picks its ceiling
    const log = captureLogger();
    const client = makeClient(peer.server.port, { secret: 'wrong-secret-xyz', logger: log.logger, reconnect: { minDelayMs: 1, maxDelayMs: 200 } });
    client.start();
    const [err] = (await once(client, 'error')) as [AmiAuthError];
    await once(client, 'disconnected');
    await client.stop();
    expect(err).toBeInstanceOf(AmiAuthError);
    expect(err.message).toContain('refused for user amiq: Authentication failed');
    expect(err.message).toContain('the secret for user "amiq" is wrong');
    expect(err.message).toContain('ami.secret / AMIQ_AMI_SECRET');
    const scheduled = log.lines.find((l) => l.msg === 'AMI reconnect scheduled');
    expect(scheduled?.delayMs).toBe(200);
    expect(log.text()).not.toContain('wrong-secret-xyz');
  });
});
