import { defaultConfig } from './load-config.js';
import type { AmiqConfig } from './schema.js';

type Section = keyof AmiqConfig;

// Every key, in file order, with why a user would touch it. `+` marks keys beyond SPEC §10.
const NOTES: { [S in Section]: { title: string; keys: { [K in keyof AmiqConfig[S]]: string } } } = {
  database: {
    title: 'where the queue lives',
    keys: {
      path: 'SQLite file; relative to this file (AMIQ_DB, --db override); used when url is empty',
      url: '+ "postgres://user:password@host:5432/db" or "mysql://…" / "mariadb://…" (AMIQ_DATABASE_URL overrides); "" = SQLite',
      poll_interval_ms: '+ MySQL/MariaDB: how often the sender looks for new rows (PostgreSQL is notified)',
    },
  },
  server: { title: 'which PBX this host serves', keys: { name: "the server this host's workers serve (rows name it)" } },
  ami: {
    title: 'Asterisk Manager Interface',
    keys: {
      host: 'AMI host',
      port: 'AMI port',
      username: 'manager.conf user',
      secret: 'manager.conf secret (AMIQ_AMI_SECRET overrides; never stored in the database)',
      auth_type: '+ "plain" or "md5" (Challenge/Key login)',
      connect_timeout_ms: '+ give up a connection attempt after this',
      ping_interval_ms: '+ Ping an idle connection this often (0 = off) to notice a dead peer',
      ping_timeout_ms: '+ a Ping unanswered this long drops the connection',
      reconnect_min_ms: '+ first reconnect delay (doubles, jittered)',
      reconnect_max_ms: '+ longest reconnect delay',
      users:
        '+ a worker may log in as its own manager.conf user with only the classes it needs: [ami.users.<worker>] username, secret (AMIQ_AMI_SECRET_<WORKER>, e.g. AMIQ_AMI_SECRET_ACTION_SENDER); a worker without one uses username/secret above',
    },
  },
  action_sender: {
    title: 'sends manager_queue rows over one connection',
    keys: {
      rate_per_second: 'at most this many actions in any one second (an even stream); 0 = unlimited',
      max_in_flight: 'at most this many actions awaiting a response',
      response_timeout_ms: 'no response in this time: the row becomes LOST (never re-sent)',
      ttl_seconds: 'a NEW row without expires_at expires this long after the later of created_at and not_before',
      allowed_actions: 'actions clients may queue',
      allowed_commands: 'Command prefixes clients may send; empty = Command refused',
      allowed_dangerous: '+ dangerous applications/functions rows may use (System, SHELL, FILE, EVAL, ...); empty = all refused',
    },
  },
  manager_listener: {
    title: 'follows calls through events',
    keys: {
      event_log: 'events kept in manager_events: "all", "matched" or "none"',
      max_pending_event_log: '+ event log rows held while the database cannot be written; beyond, the oldest are shed (call updates never)',
    },
  },
  heartbeat: {
    title: 'legacy cad UDP status protocol',
    keys: {
      bind: 'listen address',
      port: 'listen port',
      reply_port: 'replies go to the requester at this port',
      allow: 'source networks answered; others are dropped and counted',
      span_first_channel: 'first channel number of the E1 span (span 2 starts at 32)',
      counted_states: 'channel states that light a bit',
      stale_seconds: '+ channel states older than this (AMI down) are reported down',
      resync_seconds: '+ full channel listing this often, besides the call events',
      max_datagram_bytes: '+ larger requests are dropped and counted, not answered',
    },
  },
  meetme_cleaner: {
    title: 'kicks members left alone in conferences',
    keys: {
      schedule: 'node-cron, with seconds',
      alone_grace_seconds: 'kick a member alone this long',
      max_member_seconds: 'kick a member in a room this long; 0 = no limit',
      exempt_rooms: 'rooms never touched',
      exempt_channels: '+ channel name prefixes never kicked (e.g. "SIP/operator")',
    },
  },
  http: {
    title: '+ the HTTP/JSON API worker (amiq run http; add "http" to workers.enabled)',
    keys: {
      bind: 'listen address; 127.0.0.1 = this host only',
      port: 'listen port',
      tls_cert: 'PEM certificate file (relative to this file); with tls_key, HTTPS instead of HTTP',
      tls_key: 'PEM private key file (relative to this file)',
      body_limit_bytes: 'larger request bodies are refused (413)',
      tokens:
        'who may call the API: one [[http.tokens]] each, made by `amiq token create --name NAME`: name, hash (SHA-256 of the token, never the token), servers and actions ("all" or a list), read_only, rate_per_second (0 = unlimited)',
    },
  },
  device_relay: {
    title: '+ device and presence state shared between servers (docs/device-relay.md)',
    keys: {
      servers: 'the servers sharing state, this one included; empty = no relay',
      devices: 'devices relayed (globs); each other server gets Custom:<device>',
      presentities: 'presence providers relayed (globs), set on the others under the same name',
      device_state: 'relay device state',
      presence: 'relay presence state',
      expire_seconds: 'a relay row not sent within this long (its server down) expires',
      priority: "the relay rows' priority",
    },
  },
  workers: {
    title: 'supervision',
    keys: {
      enabled: 'workers amiq start / amiq keepalive run on this host',
      beat_seconds: 'each worker beats this often; alive = a beat within 3x this',
      log_dir: "where keepalive writes each worker's log; relative to this file",
      drain_seconds: '+ on SIGTERM, wait this long for in-flight work',
    },
  },
  maintenance: {
    title: '+ archive and prune (SPEC §2)',
    keys: {
      schedule: 'node-cron, with seconds',
      archive_after_hours: 'terminal rows older than this move to manager_queue_archive',
      stale_call_hours: 'an answered Originate whose call may still run stays this long, so the listener can finish it',
      prune_after_days: 'archive rows, events and closed conferences older than this are deleted; 0 = keep forever',
      changes_keep_hours: 'the change log (manager_queue_changes) keeps this long: how far back GET /v1/changes can resume',
      batch_size: 'rows per statement: keeps each write lock short',
    },
  },
  log: { title: '+ logging', keys: { level: '"fatal" "error" "warn" "info" "debug" "trace" or "silent"' } },
};

// A table of tables, and the last key of [ami]: its own (empty) header, so that the example
// under it can be uncommented as it stands.
const USERS_EXAMPLE = (note: string): string[] => [
  `[ami.users]  # ${note}`,
  '# [ami.users.manager-listener]',
  '# username = "amiq-listener"',
  '# secret = ""                   # AMIQ_AMI_SECRET_MANAGER_LISTENER overrides',
];

// An array of tables: last in [http], commented, so that it can be uncommented as it stands.
const TOKENS_EXAMPLE = (note: string): string[] => [
  `# ${note}`,
  '# [[http.tokens]]',
  '# name = "crm"',
  '# hash = "<64 hex characters printed by amiq token create>"',
  '# servers = "all"               # or ["pbx1", "pbx2"]',
  '# actions = ["Originate", "Hangup"]  # or "all" (what action_sender.allowed_actions allows)',
  '# read_only = false',
  '# rate_per_second = 50',
];

function tomlValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(', ')}]`;
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** A commented amiq.toml with every key at its default (what `amiq init` writes). */
export function exampleConfigToml(): string {
  const defaults = defaultConfig();
  const lines = [
    '# amiq configuration. Every key is optional; the values shown are the defaults.',
    '# Unknown keys are refused, so a typo never silently does nothing.',
    '# Keys marked + are amiq additions beyond the documented contract (SPEC §10).',
  ];
  for (const [section, { title, keys }] of Object.entries(NOTES) as [Section, { title: string; keys: Record<string, string> }][]) {
    lines.push('', `[${section}]  # ${title}`);
    const values = defaults[section] as Record<string, unknown>;
    for (const [key, note] of Object.entries(keys)) {
      if (key === 'users') lines.push(...USERS_EXAMPLE(note));
      else if (section === 'http' && key === 'tokens') lines.push(...TOKENS_EXAMPLE(note));
      else lines.push(`${key} = ${tomlValue(values[key])}  # ${note}`);
    }
  }
  return lines.join('\n') + '\n';
}
