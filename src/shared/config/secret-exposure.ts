import { readFileSync, statSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';

/**
 * The config file's mode when it holds a non-empty `[ami] secret` (or a worker's
 * `[ami.users.<worker>] secret`) and group or others may read
 * it, else null. A file that cannot be read or parsed here was already judged by loadConfig.
 */
export function exposedSecretMode(file: string | undefined): number | null {
  if (file === undefined) return null;
  try {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o044) === 0) return null;
    const ami = (parseToml(readFileSync(file, 'utf8')) as { ami?: { secret?: unknown; users?: Record<string, { secret?: unknown }> } }).ami;
    const secrets = [ami?.secret, ...Object.values(ami?.users ?? {}).map((u) => u?.secret)];
    return secrets.some((s) => typeof s === 'string' && s !== '') ? mode : null;
  } catch {
    return null;
  }
}
