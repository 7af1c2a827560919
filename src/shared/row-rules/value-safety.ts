import { checkHeaders } from '../ami/serializer.js';

/**
 * Dialplan applications that run a shell command, an external program, or any other application
 * (which could be one of these): Asterisk's own Originate blacklist for users without the
 * `system` class, made explicit. Names are matched case-insensitively, as Asterisk finds
 * applications.
 */
export const DANGEROUS_APPLICATIONS = [
  'System',
  'TrySystem',
  'Exec',
  'TryExec',
  'ExecIf',
  'ExecIfTime',
  'AGI',
  'EAGI',
  'DeadAGI',
  'ExternalIVR',
  'MixMonitor',
  'Originate',
] as const;

/**
 * Dialplan functions that run a shell command, read or write files, the environment, the astdb,
 * databases or configuration (secrets), reach other hosts, or evaluate text a second time (EVAL,
 * which could assemble any of the others): the functions Asterisk registers as privilege-
 * escalating (SHELL, FILE*, STAT, DB, DB_DELETE, func_odbc's, LOCK, TRYLOCK, CURL), plus EVAL, ENV,
 * AST_CONFIG, REALTIME and CURLOPT. `_*` names a family (func_odbc's `ODBC_<query>`).
 */
export const DANGEROUS_FUNCTIONS = [
  'SHELL',
  'EVAL',
  'FILE',
  'FILE_COUNT_LINE',
  'FILE_FORMAT',
  'STAT',
  'ENV',
  'DB',
  'DB_*',
  'ODBC',
  'ODBC_*',
  'REALTIME',
  'REALTIME_*',
  'AST_CONFIG',
  'CURL',
  'CURLOPT',
  'LOCK',
  'TRYLOCK',
] as const;

const namePattern = (n: string): string => (n.endsWith('_*') ? `${n.slice(0, -1)}[A-Za-z0-9_]*` : n);

/** A call of a dangerous application or function, as `Name(`, `${Name(`, `$[ Name(`, with blanks before `(`. */
const DANGEROUS_CALL = new RegExp(`(?<![A-Za-z0-9_])(${[...DANGEROUS_FUNCTIONS, ...DANGEROUS_APPLICATIONS].map(namePattern).join('|')})\\s*\\(`, 'gi');

/**
 * Text evaluated a second time after substitution, as strong as EVAL: a function name assembled
 * at run time (`${SH${X}ELL(…)}`, `$[${F}(…)]`), a variable name that is itself substituted
 * (`${${A}${B}}` calls a function when the result ends in `)`), or an expression holding a
 * substitution (`$[${A}${B}]`: the substituted text is parsed again and may call any function).
 */
const SECOND_EVALUATION = [/[}\]][A-Za-z0-9_]*\s*\(/, /\$\{[^(}:]*\$/, /\$\[[\s\S]*\$[[{]/];

/**
 * Asterisk skips every byte below 33 (space, tab and other control characters) at the start of
 * a header value (`ast_skip_blanks` in astman_get_header); whether a handler trims the same at
 * the end varies. A value with such an edge is refused, so what is judged is what Asterisk uses.
 */
const BLANK_EDGE = /^[\x00-\x20]|[\x00-\x20]$/;

export interface SafetyPolicy {
  /** Names of dangerous applications and functions the operator allows (action_sender.allowed_dangerous). */
  allowedDangerous?: readonly string[];
}

function isAllowed(name: string, allowed: readonly string[]): boolean {
  const n = name.toLowerCase();
  return allowed.some((a) => {
    const l = a.toLowerCase();
    return l === n || (l.endsWith('_*') && n.startsWith(l.slice(0, -1)));
  });
}

/** The canonical name of a dangerous call as written (`shell` → `SHELL`, `trysystem` → `TrySystem`). */
function canonical(written: string): string {
  return DANGEROUS_APPLICATIONS.find((a) => a.toLowerCase() === written.toLowerCase()) ?? written.toUpperCase();
}

/** The first dangerous thing a value does that the operator did not allow, as an INVALID reason. */
function dangerousUse(action: string, key: string, value: string, allowed: readonly string[]): string | null {
  // The MixMonitor action runs its Command header through the shell when the recording ends.
  if (action.toLowerCase() === 'mixmonitor' && key.toLowerCase() === 'command' && !isAllowed('MixMonitor', allowed)) {
    return "MixMonitor's Command runs a shell command";
  }
  if (key.toLowerCase() === 'application') {
    const app = DANGEROUS_APPLICATIONS.find((a) => a.toLowerCase() === value.toLowerCase());
    if (app !== undefined && !isAllowed(app, allowed)) return `${app} is a dangerous application`;
  }
  for (const m of value.matchAll(DANGEROUS_CALL)) {
    const name = canonical(m[1]!);
    if (!isAllowed(name, allowed)) return `calls ${name}(), a dangerous application or function`;
  }
  if (!isAllowed('EVAL', allowed) && SECOND_EVALUATION.some((re) => re.test(value))) {
    return 'text evaluated twice (a name or expression built from ${…} or $[…]), as EVAL would';
  }
  return null;
}

/**
 * One header as Asterisk will read it, against every rule: SPEC §5 (name, CR/LF/NUL, line
 * length), no blank edges, never a `/regex/` channel, no dangerous application or function
 * unless allowed, in any header of `action`. Returns the INVALID message naming `field`, or null.
 */
export function checkValue(action: string, field: string, key: string, value: string, policy: SafetyPolicy): string | null {
  const err = checkHeaders([[key, value]]);
  if (err) return `${field}: ${err.message.replace(/^header [^:]*: /, '')}`;
  if (BLANK_EDGE.test(value)) return `${field}: leading or trailing blank (space, tab or control character) is not allowed`;
  if (/channel/i.test(key) && value.startsWith('/')) return `${field}: a /regex/ channel is never accepted from a row (it could match every call)`;
  const danger = dangerousUse(action, key, value, policy.allowedDangerous ?? []);
  return danger === null ? null : `${field}: ${danger}; refused unless action_sender.allowed_dangerous allows it`;
}
