import { Command, CommanderError, Option } from 'commander';
import { generateCommand } from './commands/generate.command.js';
import { validateCommand } from './commands/validate.command.js';
import { EXIT, processIo, type CliIo } from './io.js';

/**
 * The `vigil` command. validate and generate need no database, network or Nest context, so they
 * import nothing of the service and start in milliseconds.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command('vigil')
    .description('Vigil: SLOs as code, error budgets, DR drills and incident routing')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run vigil --help for usage)');

  const slosOption = () => new Option('--slos <dir>', 'folder of SLO specs').default('slos');

  program
    .command('validate')
    .description('check every spec in the folder; prints file:line:col: message for each problem')
    .addOption(slosOption())
    .action(async (opts: { slos: string }) => {
      code = await validateCommand(opts, io);
    });

  program
    .command('generate')
    .description('write Prometheus rule files (plain and PrometheusRule) for every service')
    .addOption(slosOption())
    .option('--out <dir>', 'output root (rules/ is written below it)', '.')
    .option('--check', 'write nothing; exit 1 listing files that would change', false)
    .action(async (opts: { slos: string; out: string; check: boolean }) => {
      code = await generateCommand(opts, io);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help'
        ? EXIT.ok
        : EXIT.usage;
    }
    io.err(`vigil: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.usage;
  }
}
