/** The `aicarbon` command. Every subcommand has --help; the commands are declared in ./program. */
import { CommanderError } from 'commander';
import { EXIT_BAD_INPUT } from './output';
import { buildProgram } from './program';

const program = buildProgram();
// Usage mistakes (unknown option, missing or invalid value) exit 2, as every other bad input does.
for (const cmd of [program, ...program.commands]) cmd.exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (!(e instanceof CommanderError)) throw e;
  process.exitCode = e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
}
