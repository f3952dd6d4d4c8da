/** The `aicarbon` command. Every subcommand has --help. */
import { Command } from 'commander';
import { runCommand } from './commands/run';
import { workerCommand } from './commands/worker';
import { refreshCommand } from './commands/refresh';
import { statusCommand } from './commands/status';
import { scheduleCommand } from './commands/schedule';
import { estimateCommand } from './commands/estimate';
import { explainCommand } from './commands/explain';
import { diffCommand } from './commands/diff';

const program = new Command('aicarbon')
  .description(
    'aicarbon: raw public sources → a published panel-econometrics study (AI innovation and carbon intensity ' +
      "of China's provinces), as durable Temporal workflows.",
  )
  .version('0.1.0')
  .showHelpAfterError();

program.addCommand(runCommand());
program.addCommand(workerCommand());
program.addCommand(refreshCommand());
program.addCommand(statusCommand());
program.addCommand(scheduleCommand());
program.addCommand(estimateCommand());
program.addCommand(explainCommand());
program.addCommand(diffCommand());

await program.parseAsync(process.argv);
