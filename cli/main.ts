/** The `aicarbon` command. Every subcommand has --help; the commands are declared in ./program. */
import { CommanderError } from 'commander';
import { EXIT_BAD_INPUT } from './output';
import { buildProgram } from './program';

// `aicarbon … | head`: the reader has what it wanted and closed the pipe; stop quietly, as Unix tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});

const program = buildProgram();
// Usage mistakes (unknown option, missing or invalid value) exit 2, as every other bad input does.
for (const cmd of [program, ...program.commands]) cmd.exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (!(e instanceof CommanderError)) throw e;
  process.exitCode = e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
}
