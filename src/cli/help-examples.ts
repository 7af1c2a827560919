/** `Examples:` shown after each command's --help; every line is a command that works as printed. */
export const HELP_EXAMPLES: Record<string, string[]> = {
  '': [
    'amiq init && amiq status',
    'amiq --config /etc/amiq/amiq.toml status --json',
    'amiq originate --channel PJSIP/2001 --exten 100 --context default --wait',
  ],
  init: ['amiq init', 'amiq --config /etc/amiq/amiq.toml --db /var/lib/amiq/amiq.db init'],
  migrate: ['amiq migrate', 'AMIQ_DB=/var/lib/amiq/amiq.db amiq migrate'],
  start: ['amiq start', 'amiq start --simulate        # the demo: a simulated PBX, sample calls', 'amiq --log-format json start'],
  run: ['amiq run action-sender', 'amiq run heartbeat -d', 'amiq run meetme-cleaner --dry-run'],
  keepalive: ['amiq --config /opt/amiq/amiq.toml keepalive   # from cron, every minute'],
  stop: ['amiq stop all', 'amiq stop heartbeat          # refused when it shares an `amiq start` process'],
  status: ['amiq status', 'amiq status --json', 'amiq status >/dev/null || echo "exit $?: a worker is down or disconnected"'],
  backup: ['amiq backup /var/backups/amiq/amiq-$(date +%F).db'],
  decode: ['amiq decode capture.txt', 'nc 127.0.0.1 5038 | amiq decode'],
  probe: ['amiq probe 127.0.0.1', 'amiq probe pbx1 --port 5050 --reply-port 5049 --json'],
  simulate: ['amiq simulate --port 5038', 'amiq simulate --profile asterisk-11', "amiq simulate --hint '100@default=PJSIP/100&Custom:100'"],
  originate: [
    'amiq originate --channel PJSIP/2001 --exten 100 --context default',
    'amiq originate --channel PJSIP/2001 --app Playback --data hello-world --callerid 555 --wait',
    'amiq originate --channel Local/100@default --exten 200 --context default --var CUSTOMER=42 --json',
  ],
  redirect: ['amiq redirect --callerid 555 --exten 300 --context default', 'amiq redirect --channel PJSIP/2001-00000001 --exten 300 --context default --wait'],
  hangup: ['amiq hangup --callerid 555', 'amiq hangup --channel PJSIP/2001-00000001 --cause 16 --wait'],
  action: ['amiq action Ping --wait', 'amiq action ExtensionState Exten=100 Context=default --wait --json'],
  show: ['amiq show 42', 'amiq show 42 --json'],
  cancel: ['amiq cancel 42'],
  watch: ['amiq watch', 'amiq watch --local --limit 50', 'amiq watch --once --json'],
};

export function examplesText(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}`;
}
