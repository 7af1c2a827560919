import { z } from 'zod';
import { allOrList, bool, cidrList, cron, databaseUrl, globList, int, listOf, num, oneOf, sha256Hex, str, strList } from './rules.js';

/** Workers `amiq run`, `amiq start` and `amiq keepalive` know (SPEC §9; `http` and `device-relay` are beyond it). */
export const WORKER_NAMES = ['action-sender', 'manager-listener', 'heartbeat', 'meetme-cleaner', 'http', 'device-relay'] as const;
export type WorkerName = (typeof WORKER_NAMES)[number];
/** The workers that hold an AMI connection (and may have their own `[ami.users.<worker>]`). */
export const AMI_WORKER_NAMES = ['action-sender', 'manager-listener', 'heartbeat', 'meetme-cleaner', 'device-relay'] as const;
export type AmiWorkerName = (typeof AMI_WORKER_NAMES)[number];
/**
 * Enabled unless the config says otherwise. Opt-in: `http` opens a network port and needs tokens,
 * so an operator turns it on rather than finding it listening; the device relay needs
 * `[device_relay] servers`.
 */
export const DEFAULT_ENABLED_WORKERS: readonly WorkerName[] = AMI_WORKER_NAMES.filter((w) => w !== 'device-relay');

export const DEFAULT_ALLOWED_ACTIONS = [
  'Originate',
  'Redirect',
  'Hangup',
  'Ping',
  'Status',
  'CoreShowChannels',
  'ExtensionState',
  'MailboxStatus',
  'QueueStatus',
  'ConfbridgeKick',
  'ConfbridgeList',
  'MixMonitor',
  'StopMixMonitor',
  'Monitor',
  'StopMonitor',
];

// Strict objects: an unknown key (a typo) is an error, never silently ignored.
// `prefault({})` parses the missing section so every key gets its default.
const section = <S extends z.core.$ZodLooseShape>(shape: S) => z.strictObject(shape, { error: 'expected a table' }).prefault({} as never);

/** A worker's own manager.conf user (`[ami.users.<worker>]`); its secret also from AMIQ_AMI_SECRET_<WORKER>. */
const amiUser = z.strictObject({ username: str({ nonEmpty: true }), secret: str().default('') }, { error: 'expected a table' }).optional();

/** One `[[http.tokens]]`: who may use the HTTP API, on which servers, for which actions. */
const httpToken = z.strictObject(
  {
    name: str({ nonEmpty: true }),
    // Never the token itself: `amiq token create` prints both once.
    hash: sha256Hex(),
    servers: allOrList().default('all'),
    actions: allOrList().default('all'),
    read_only: z.boolean({ error: 'expected true or false' }).default(false),
    // Requests per second for this token; 0 = unlimited.
    rate_per_second: int(0).default(50),
  },
  { error: 'expected a table' },
);
export type HttpTokenConfig = z.infer<typeof httpToken>;

export const configSchema = z.strictObject(
  {
    database: section({
      path: str({ nonEmpty: true }).default('amiq.db'),
      // Beyond SPEC §10: a PostgreSQL or MySQL/MariaDB server instead of the SQLite file.
      url: databaseUrl().default(''),
      poll_interval_ms: int(1).default(50),
    }),
    server: section({
      name: str({ nonEmpty: true }).default('default'),
    }),
    ami: section({
      host: str({ nonEmpty: true }).default('127.0.0.1'),
      port: int(1, 65535).default(5038),
      username: str({ nonEmpty: true }).default('amiq'),
      secret: str().default(''),
      // Beyond SPEC §10: the AMI client's knobs.
      auth_type: oneOf(['plain', 'md5']).default('plain'),
      connect_timeout_ms: int(1).default(5000),
      ping_interval_ms: int(0).default(5000),
      ping_timeout_ms: int(1).default(3000),
      reconnect_min_ms: int(1).default(500),
      reconnect_max_ms: int(1).default(30000),
      // Beyond SPEC §10: a worker may log in as its own user, with only the classes it needs.
      users: z
        .strictObject(
          {
            'action-sender': amiUser,
            'manager-listener': amiUser,
            heartbeat: amiUser,
            'meetme-cleaner': amiUser,
            'device-relay': amiUser,
          },
          { error: 'expected a table of worker names' },
        )
        .default({}),
    }),
    action_sender: section({
      rate_per_second: num(0).default(50),
      max_in_flight: int(1).default(20),
      response_timeout_ms: int(1).default(10000),
      ttl_seconds: int(1).default(60),
      allowed_actions: strList({ nonEmpty: true }).default(DEFAULT_ALLOWED_ACTIONS),
      allowed_commands: strList({ nonEmpty: true }).default([]),
      // Beyond SPEC §10 (§5 safety): dangerous dialplan applications/functions a row may use (e.g. ["System"]).
      allowed_dangerous: strList({ nonEmpty: true }).default([]),
    }),
    manager_listener: section({
      event_log: oneOf(['all', 'matched', 'none']).default('matched'),
      // Event log rows held in memory while the database cannot be written; the oldest beyond are shed.
      max_pending_event_log: int(0).default(50_000),
    }),
    heartbeat: section({
      bind: str({ nonEmpty: true }).default('0.0.0.0'),
      port: int(1, 65535).default(5050),
      reply_port: int(1, 65535).default(5049),
      allow: cidrList().default(['127.0.0.0/8']),
      span_first_channel: int(1).default(1),
      counted_states: strList({ nonEmpty: true }).default(['Up']),
      // Beyond SPEC §10 (heartbeat-owned): staleness, listing period, datagram size limit.
      stale_seconds: num(0.1).default(15),
      resync_seconds: num(0.1).default(5),
      max_datagram_bytes: int(0, 65535).default(512),
    }),
    meetme_cleaner: section({
      schedule: cron().default('*/15 * * * * *'),
      alone_grace_seconds: int(0).default(60),
      max_member_seconds: int(0).default(0),
      exempt_rooms: strList({ nonEmpty: true }).default([]),
      // Beyond SPEC §10 (§7 says exempt channels are configurable): channel name prefixes.
      exempt_channels: strList({ nonEmpty: true }).default([]),
    }),
    // Beyond SPEC §10: the HTTP/JSON API worker.
    http: z
      .strictObject(
        {
          bind: str({ nonEmpty: true }).default('127.0.0.1'),
          port: int(1, 65535).default(8090),
          tls_cert: str().default(''),
          tls_key: str().default(''),
          body_limit_bytes: int(1).default(65_536),
          tokens: z
            .array(httpToken, { error: 'expected an array of tables ([[http.tokens]])' })
            .default([])
            .superRefine((tokens, ctx) => {
              const seen = new Set<string>();
              tokens.forEach((t, i) => {
                if (seen.has(t.name)) ctx.addIssue({ code: 'custom', message: `name ${JSON.stringify(t.name)} given twice`, path: [i, 'name'], input: t.name });
                seen.add(t.name);
              });
            }),
        },
        { error: 'expected a table' },
      )
      .superRefine((h, ctx) => {
        // One without the other would silently serve plain HTTP.
        if (h.tls_cert !== '' && h.tls_key === '') ctx.addIssue({ code: 'custom', message: 'required with tls_cert', path: ['tls_key'], input: h.tls_key });
        if (h.tls_key !== '' && h.tls_cert === '') ctx.addIssue({ code: 'custom', message: 'required with tls_key', path: ['tls_cert'], input: h.tls_cert });
      })
      .prefault({} as never),
    // Beyond SPEC §10: device and presence state shared between the servers of one database.
    device_relay: section({
      servers: strList({ nonEmpty: true }).default([]),
      devices: globList().default(['PJSIP/*', 'SIP/*', 'IAX2/*', 'DAHDI/*']),
      presentities: globList().default(['CustomPresence:*']),
      device_state: bool().default(true),
      presence: bool().default(true),
      expire_seconds: int(1).default(3600),
      priority: int(-2147483648, 2147483647).default(0),
    }),
    workers: section({
      enabled: listOf(WORKER_NAMES).default([...DEFAULT_ENABLED_WORKERS]),
      beat_seconds: num(0.1).default(2),
      log_dir: str({ nonEmpty: true }).default('logs'),
      // Beyond SPEC §10: how long SIGTERM waits for in-flight work before giving up.
      drain_seconds: num(0).default(10),
    }),
    // Beyond SPEC §10 (§2 names the behaviour): archive and prune on a schedule.
    maintenance: section({
      schedule: cron().default('0 17 * * * *'),
      archive_after_hours: num(0).default(24),
      stale_call_hours: num(0).default(24),
      prune_after_days: num(0).default(30),
      changes_keep_hours: num(0).default(24),
      batch_size: int(1).default(500),
    }),
    // Beyond SPEC §10.
    log: section({
      level: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    }),
  },
  { error: 'expected a table' },
);

export type AmiqConfig = z.infer<typeof configSchema>;
/** What a TOML file or an override may hold: every key optional. */
export type AmiqConfigInput = z.input<typeof configSchema>;
