import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../src/shared/config/index.js';
import { HeartbeatError } from '../src/shared/heartbeat-protocol/errors.js';
import { checkHeartbeatSettings, heartbeatSettings } from '../src/heartbeat/settings.js';

describe('heartbeat settings', () => {
  it('maps [heartbeat] with the SPEC §10 defaults', () => {
    expect(heartbeatSettings(defaultConfig().heartbeat)).toEqual({
      bind: '0.0.0.0',
      port: 5050,
      replyPort: 5049,
      allow: ['127.0.0.0/8'],
      spanFirstChannel: 1,
      countedStates: ['Up'],
      staleMs: 15_000,
      resyncMs: 5_000,
      maxDatagramBytes: 512,
      cleanerRefreshMs: 1000,
    });
  });

  it('takes span, states, staleness and listing period from the file', () => {
    const config = parseConfig({ heartbeat: { span_first_channel: 32, counted_states: ['Up', 'Ringing'], stale_seconds: 2.5, resync_seconds: 1 } });
    expect(heartbeatSettings(config.heartbeat)).toMatchObject({ spanFirstChannel: 32, countedStates: ['Up', 'Ringing'], staleMs: 2500, resyncMs: 1000 });
  });

  it('refuses a staleness limit not above the listing period', () => {
    const s = heartbeatSettings(parseConfig({ heartbeat: { stale_seconds: 5, resync_seconds: 5 } }).heartbeat);
    expect(() => checkHeartbeatSettings(s)).toThrow(HeartbeatError);
    expect(() => checkHeartbeatSettings(s)).toThrow(/heartbeat\.stale_seconds/);
  });
});
