/**
 * A bad configuration; the message names the key and the rule (exit code 2 in the CLI). A file
 * with several problems gets one error listing them all (`problems`, `key` the first).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly key?: string,
    readonly file?: string,
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
  }
}
