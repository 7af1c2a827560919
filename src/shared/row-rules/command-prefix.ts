/** A CLI command with its words separated by single spaces (the CLI splits on any run of blanks). */
const words = (cmd: string): string => cmd.trim().replace(/\s+/g, ' ');

/**
 * Whether `action_sender.allowed_commands` lets `command` through: it equals an allowed prefix or
 * continues it with a new word (`core show` allows `core show channels`, not `core showx`).
 */
export function commandAllowed(command: string, allowedCommands: readonly string[]): boolean {
  const cmd = words(command);
  return allowedCommands.some((prefix) => {
    const p = words(prefix);
    return cmd === p || cmd.startsWith(`${p} `);
  });
}
