/**
 * The command line: every command with its options, the environment variable behind each option, and
 * the exit statuses — declared without loading any of the work, so `--help` and a mistyped option answer
 * at once. A command's module (`cli/commands/<name>.ts`, with Temporal, the store and the pipeline
 * behind it) is loaded only when that command runs.
 *
 * Option values are checked here, before anything else happens; a bad one exits 2 with a message that
 * says what is allowed.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { action } from './output';
import type { DiffOptions } from './commands/diff';
import type { EstimateArgs } from './commands/estimate';
import type { ExplainOptions } from './commands/explain';
import type { GraphOptions } from './commands/graph';
import type { OutdatedOptions } from './commands/outdated';
import type { RefreshOptions } from './commands/refresh';
import type { RunOptions } from './commands/run';
import type { ScheduleCommandOptions } from './commands/schedule';
import { cronProblem } from './cron';
import type { StatusOptions } from './commands/status';
import type { WorkerOptions } from './commands/worker';

export const VERSION = '0.1.0';

const EXIT_STATUS = {
  0: 'done',
  1: 'the refresh failed (the message names the stage and the cause)',
  2: 'bad input, usage or configuration (the message names the file and cell, option, key or URL)',
  3: 'the refresh completed, but some estimations could not be computed from the inputs (each listed)',
  130: 'interrupted (Ctrl-C); the refresh stays in Temporal: run the same command again to resume it',
} as const;
type ExitCode = keyof typeof EXIT_STATUS;

function exitHelp(codes: ExitCode[]): string {
  return `\nExit status:\n${codes.map((c) => `  ${String(c).padEnd(4)}${EXIT_STATUS[c]}`).join('\n')}\n`;
}

function envHelp(vars: [string, string][]): string {
  return `\nEnvironment:\n${vars.map(([k, v]) => `  ${k.padEnd(26)}${v}`).join('\n')}\n`;
}

const ENV = {
  DATABASE_URL: ['DATABASE_URL', 'PostgreSQL store (unset: embedded PGlite in $AICARBON_DATA_DIR/pglite)'],
  TEMPORAL_ADDRESS: ['TEMPORAL_ADDRESS', 'a Temporal cluster, host:port (unset: the local dev server)'],
  TEMPORAL_NAMESPACE: ['TEMPORAL_NAMESPACE', 'Temporal namespace (default: default)'],
  TEMPORAL_UI_URL: ['TEMPORAL_UI_URL', 'Web UI base URL for printed links'],
  DATA_DIR: ['AICARBON_DATA_DIR', 'local state: dev-server database, PGlite store (default: ./.data)'],
  OUT_DIR: ['AICARBON_OUT_DIR', 'published files (default: ./out)'],
  PORT: ['AICARBON_TEMPORAL_PORT', 'port of the local dev server (default 7233)'],
  UI_PORT: ['AICARBON_TEMPORAL_UI_PORT', 'port of its Web UI (default 8233)'],
  DEPLOYMENT: [
    'AICARBON_DEPLOYMENT',
    'names the task queues (default: a hash of the store and the output folder)',
  ],
  LOG_LEVEL: [
    'LOG_LEVEL',
    'log level of the workers and Temporal (JSON lines on stderr): trace, debug, info, warn, error, silent (default: error; worker: info)',
  ],
} satisfies Record<string, [string, string]>;

/** A whole number at least `min`; the message names the allowed range. */
export function integerArg(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*-?\d+\s*$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER
          ? `expected a whole number ≥ ${min}.`
          : `expected a whole number from ${min} to ${max}.`,
      );
    }
    return n;
  };
}

export function numberArg(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min) {
      throw new InvalidArgumentError(`expected a number ≥ ${min}.`);
    }
    return n;
  };
}

/** A cron expression Temporal Schedules accept; the message names the wrong field. */
export function cronArg(value: string): string {
  const problem = cronProblem(value);
  if (problem) throw new InvalidArgumentError(`${problem}.`);
  return value.trim();
}

export const QUEUE_ROLES = ['io', 'compute'] as const;

/** `io,compute` → the roles; anything else is refused naming what is allowed. */
export function queuesArg(value: string): ('io' | 'compute')[] {
  const roles = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = roles.filter((r) => !(QUEUE_ROLES as readonly string[]).includes(r));
  if (!roles.length || unknown.length) {
    throw new InvalidArgumentError(
      `expected a comma-separated list of ${QUEUE_ROLES.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}.`,
    );
  }
  return [...new Set(roles)] as ('io' | 'compute')[];
}

function inputOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--inputs <dir>',
        'folder of input files with a manifest.json (default: the bundled sample)',
      ).env('AICARBON_INPUTS'),
    )
    .addOption(
      new Option('--study <file>', 'study definition (default: the bundled study/default-study.json)').env(
        'AICARBON_STUDY',
      ),
    )
    .addOption(
      new Option(
        '--concurrency <n>',
        'batches of estimations in flight at once (default 4; `aicarbon run`: one per estimator thread of its workers)',
      ).argParser(integerArg(1, 64)),
    );
}

export function buildProgram(): Command {
  const program = new Command('aicarbon')
    .description(
      'aicarbon: raw public sources → a published panel-econometrics study (AI innovation and carbon intensity ' +
        "of China's provinces), as durable Temporal workflows.",
    )
    .version(VERSION)
    .addHelpText('after', exitHelp([0, 1, 2, 3, 130]));

  program.addCommand(
    inputOptions(
      new Command('run').description(
        'The main job: run the whole study on the inputs. Starts (or reuses) the local Temporal dev server, runs ' +
          'a worker in this process, triggers the refresh, shows its progress and prints a summary. On inputs ' +
          'that already completed it only reports them; on an interrupted refresh it resumes it.',
      ),
    )
      .option(
        '--force',
        'run again even if this exact refresh (same study and inputs) already completed, computing every step ' +
          'anew instead of reusing stored results',
      )
      .option('--json', 'print the result as JSON on stdout instead of the summary')
      .addHelpText(
        'after',
        '\nOn a refresh that is already running it follows it, or — when no live worker polls its queues (the ' +
          'last run was stopped) — resumes it with a worker in this process. Progress and messages go to ' +
          'stderr, the summary (or the JSON) to stdout.\n',
      )
      .addHelpText(
        'after',
        envHelp([
          ENV.DATABASE_URL,
          ENV.TEMPORAL_ADDRESS,
          ENV.TEMPORAL_NAMESPACE,
          ENV.DATA_DIR,
          ENV.OUT_DIR,
          ENV.DEPLOYMENT,
          ENV.PORT,
          ENV.UI_PORT,
          ENV.LOG_LEVEL,
        ]) + exitHelp([0, 1, 2, 3, 130]),
      )
      .action(action(async (opts: RunOptions) => (await import('./commands/run')).run(opts))),
  );

  program.addCommand(
    new Command('worker')
      .description(
        'Run a worker until SIGINT/SIGTERM against TEMPORAL_ADDRESS (default: the local dev server). The io ' +
          'queue runs workflows, ingestion, the store and publishing; the compute queue runs indicators and ' +
          'estimations. The queues are those of the store this worker writes to (DATABASE_URL).',
      )
      .addOption(
        new Option('--queues <list>', 'comma-separated: io, compute')
          .default(['io', 'compute'], 'io,compute')
          .argParser(queuesArg),
      )
      .addHelpText(
        'after',
        envHelp([
          ENV.DATABASE_URL,
          ENV.TEMPORAL_ADDRESS,
          ENV.TEMPORAL_NAMESPACE,
          ENV.DATA_DIR,
          ENV.OUT_DIR,
          ENV.DEPLOYMENT,
          ENV.LOG_LEVEL,
        ]) + exitHelp([0, 2]),
      )
      .action(action(async (opts: WorkerOptions) => (await import('./commands/worker')).worker(opts))),
  );

  program.addCommand(
    inputOptions(
      new Command('refresh').description(
        'Trigger a refresh on a running cluster (TEMPORAL_ADDRESS, or the local dev server) whose workers do the ' +
          'work; print its run id on stdout.',
      ),
    )
      .option('--force', 'run again even if this exact refresh already completed, computing every step anew')
      .option('--wait', 'follow the refresh until it ends (warns when no worker polls its queues)')
      .option('--json', 'with --wait: print the result as JSON on stdout')
      .addHelpText(
        'after',
        envHelp([
          ENV.DATABASE_URL,
          ENV.TEMPORAL_ADDRESS,
          ENV.TEMPORAL_NAMESPACE,
          ENV.TEMPORAL_UI_URL,
          ENV.OUT_DIR,
          ENV.DEPLOYMENT,
        ]) + exitHelp([0, 1, 2, 3]),
      )
      .action(action(async (opts: RefreshOptions) => (await import('./commands/refresh')).refresh(opts))),
  );

  program.addCommand(
    new Command('status')
      .description(
        'Show a refresh: state, stage, steps done and total, failed steps with their reasons, start and end, ' +
          'elapsed time per stage, and the Web UI link. Answers without a worker.',
      )
      .argument('<run>', 'run id (printed by `run` and `refresh`)')
      .option('--json', 'print JSON')
      .addHelpText(
        'after',
        envHelp([
          ENV.DATABASE_URL,
          ENV.DATA_DIR,
          ENV.TEMPORAL_ADDRESS,
          ENV.TEMPORAL_NAMESPACE,
          ENV.TEMPORAL_UI_URL,
          ENV.OUT_DIR,
          ENV.DEPLOYMENT,
        ]) +
          exitHelp([0, 2]).replace(
            'bad input, usage or configuration',
            'no such run; bad usage or configuration',
          ),
      )
      .action(
        action(async (runId: string, opts: StatusOptions) =>
          (await import('./commands/status')).status(runId, opts),
        ),
      ),
  );

  program.addCommand(
    new Command('schedule')
      .description(
        'Create or update the Temporal Schedule of the yearly refresh. Each firing looks at the inputs and ' +
          'starts a refresh only if that study + inputs combination has not run yet.',
      )
      .addOption(
        new Option(
          '--inputs <dir>',
          'input folder the scheduled refresh reads (must exist on the workers; default: the bundled sample)',
        ).env('AICARBON_INPUTS'),
      )
      .addOption(
        new Option('--study <file>', 'study definition the scheduled refresh runs').env('AICARBON_STUDY'),
      )
      .option('--id <id>', 'schedule id', 'aicarbon-yearly-refresh')
      .option(
        '--cron <expr>',
        'when to fire (cron, UTC: minute hour day-of-month month day-of-week); default 03:00 on 1 March, after yearbooks appear',
        cronArg,
        '0 3 1 3 *',
      )
      .addOption(new Option('--paused', 'pause the schedule').conflicts('unpause'))
      .option('--unpause', 'resume a paused schedule (an update otherwise keeps it paused)')
      .option('--describe', 'show the schedule (state, cron, next fire times) and change nothing')
      .option('--json', 'print the schedule as JSON')
      .addHelpText(
        'after',
        envHelp([
          ENV.TEMPORAL_ADDRESS,
          ENV.TEMPORAL_NAMESPACE,
          ENV.DATABASE_URL,
          ENV.OUT_DIR,
          ENV.DEPLOYMENT,
        ]) + exitHelp([0, 2]),
      )
      .action(
        action(async (opts: ScheduleCommandOptions) => (await import('./commands/schedule')).schedule(opts)),
      ),
  );

  program.addCommand(
    new Command('server')
      .description(
        'Start the local Temporal dev server and keep it up until Ctrl-C: state in $AICARBON_DATA_DIR/temporal.db, ' +
          'the Web UI, the search attributes registered. `run`, `refresh`, `status` and `schedule` use it; the Web ' +
          'UI then outlives every run. A server already on the port is kept up while this runs.',
      )
      .addHelpText(
        'after',
        envHelp([ENV.DATA_DIR, ENV.PORT, ENV.UI_PORT, ENV.TEMPORAL_NAMESPACE]) + exitHelp([0, 2]),
      )
      .action(action(async () => (await import('./commands/server')).server())),
  );

  program.addCommand(
    new Command('estimate')
      .description(
        'Run one estimation (OLS, FE, FE-2SLS, VIF, mediation, moderation, …) and print its JSON result.',
      )
      .requiredOption(
        '--data <file.csv>',
        'panel data: one row per entity and time, a header row of column names',
      )
      .requiredOption('--spec <spec.json>', 'estimation spec (docs/estimate-spec.md)')
      .option(
        '--weights <w.csv>',
        'spatial weights matrix (header of ids, one row per id), for spatial estimators',
      )
      .addHelpText('after', exitHelp([0, 2]))
      .action(
        action(async (opts: EstimateArgs) => (await import('./commands/estimate')).estimateAction(opts)),
      ),
  );

  program.addCommand(
    new Command('explain')
      .description(
        'Trace a number of a run back to source file, sheet and cell. A table cell (--table, --column, --term): ' +
          'the estimate, its N, the province-years the estimation used (and the ones it left out, with why) and for ' +
          'each the cells the term reads (L.AIT: the year before), flagged interpolated, substituted, extrapolated ' +
          'or synthetic; --dependent for the dependent variable. One value (--province, --year, --variable): its chain.',
      )
      .option('--run <id>', 'run id (a table cell: default the latest completed run in the store)')
      .option('--table <id>', 'a table of the study, e.g. table3')
      .option('--column <id>', 'a column of the table, e.g. "(4)"')
      .option('--term <term>', 'a coefficient of the column, e.g. AIT, L.AIT, AIT:IS (or AIT×IS)')
      .option(
        '--dependent',
        "with --table: follow the column's dependent variable instead of the term (then --term may be left out)",
      )
      .option('--province <code>', 'province code, e.g. GD (with --table: print only its rows)')
      .option('--year <year>', 'year, e.g. 2019 (with --table: print only its rows)', integerArg(1900, 2100))
      .option('--variable <name>', 'study variable (CI, AIT, EE, …) or raw variable (gdp, co2_inventory, …)')
      .option('--json', 'print the lineage as JSON')
      .addHelpText(
        'after',
        '\nExamples:\n' +
          '  aicarbon explain --table table3 --column "(4)" --term AIT\n' +
          '  aicarbon explain --table table4 --column "(3)" --term L.AIT --province GD\n' +
          '  aicarbon explain --table table3 --column "(4)" --term AIT --dependent --json\n' +
          '  aicarbon explain --run RUN --province GD --year 2019 --variable CI\n' +
          envHelp([ENV.DATABASE_URL, ENV.DATA_DIR]) +
          exitHelp([0, 2]),
      )
      .action(
        action(async (opts: ExplainOptions) => (await import('./commands/explain')).explainAction(opts)),
      ),
  );

  program.addCommand(
    new Command('diff')
      .description(
        'What changed between two refreshes: first the input files (added, removed, changed), the study (spec ' +
          'keys) and the code (modules), then the estimates beyond a tolerance, significance-star changes first.',
      )
      .argument('<runA>', 'the earlier run id')
      .argument('<runB>', 'the later run id')
      .option('--tolerance <rel>', 'relative change below which values count as equal', numberArg(0), 1e-8)
      .option('--coefficients-only', 'compare coefficient estimates only (not SEs, statistics, effects)')
      .option('--json', 'print the full diff as JSON')
      .addHelpText('after', envHelp([ENV.DATABASE_URL, ENV.DATA_DIR]) + exitHelp([0, 2]))
      .action(
        action(async (a: string, b: string, opts: DiffOptions) =>
          (await import('./commands/diff')).diffAction(a, b, opts),
        ),
      ),
  );

  program.addCommand(
    new Command('outdated')
      .description(
        'Without running anything: every step a refresh of these inputs and this code would compute, and why ' +
          '(input file changed old → new hash, study spec keys, code modules, seeds, upstream steps), and the ' +
          'steps it would reuse from the store.',
      )
      .addOption(
        new Option(
          '--inputs <dir>',
          'folder of input files with a manifest.json (default: the bundled sample)',
        ).env('AICARBON_INPUTS'),
      )
      .addOption(
        new Option('--study <file>', 'study definition (default: the bundled study)').env('AICARBON_STUDY'),
      )
      .option('--run <id>', "compare with this run's steps (default: the study's latest completed run)")
      .option('--json', 'print the report as JSON')
      .addHelpText('after', envHelp([ENV.DATABASE_URL, ENV.DATA_DIR]) + exitHelp([0, 2]))
      .action(
        action(async (opts: OutdatedOptions) => (await import('./commands/outdated')).outdatedAction(opts)),
      ),
  );

  program.addCommand(
    new Command('graph')
      .description(
        'The DAG of a refresh: input files → observations → panel → indicators → estimations → tables, each ' +
          'node with its content key and whether the run reused or computed it (without --run: the plan of ' +
          'the current inputs and code against the store).',
      )
      .addOption(
        new Option(
          '--inputs <dir>',
          'without --run: the input folder to plan (default: the bundled sample)',
        ).env('AICARBON_INPUTS'),
      )
      .addOption(new Option('--study <file>', 'without --run: the study to plan').env('AICARBON_STUDY'))
      .option('--run <id>', "a stored run's steps")
      .addOption(
        new Option('--format <format>', 'output format').choices(['mermaid', 'dot']).default('mermaid'),
      )
      .addHelpText('after', envHelp([ENV.DATABASE_URL, ENV.DATA_DIR]) + exitHelp([0, 2]))
      .action(action(async (opts: GraphOptions) => (await import('./commands/graph')).graphAction(opts))),
  );

  for (const cmd of [program, ...program.commands]) {
    cmd.showHelpAfterError(`(run 'aicarbon ${cmd === program ? '' : `${cmd.name()} `}--help' for usage)`);
  }
  return program;
}
