import { Command } from 'commander';
import { register as registerDecode } from './commands/decode.js';

// Minimal entry created by protocol so `amiq decode` runs; core owns this file and extends it.
const program = new Command('amiq').description('a queue in front of the Asterisk Manager Interface');
registerDecode(program);
await program.parseAsync(process.argv);
