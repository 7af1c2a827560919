/** A bad configuration; the message names the key and the rule (exit code 2 in the CLI). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly key?: string,
    readonly file?: string,
  ) {
    super(message);
  }
}
