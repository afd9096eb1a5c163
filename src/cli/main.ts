import { Command, CommanderError, Option } from 'commander';
import type { ApplyElasticsearchOptions } from './commands/apply/apply-elasticsearch.command.js';
import type { ApplyGrafanaOptions } from './commands/apply/apply-grafana.command.js';
import type { ApplyPrometheusOptions } from './commands/apply/apply-prometheus.command.js';
import type { BudgetOptions } from './commands/budget.command.js';
import type { ConvertOptions } from './commands/convert.command.js';
import type { ConvertTarget } from '../core/convert/convert-specs.js';
import type { DrillRunOptions, DrillSignOffOptions } from './commands/drill.command.js';
import type { RouteTestOptions } from './commands/route.command.js';
import type { TokenCreateOptions, TokenListOptions } from './commands/token.command.js';
import { ROLES } from '../core/auth/roles.js';
import { EXIT, processIo, type CliIo } from './io.js';

/**
 * The `vigil` command. validate and generate need no database, network or Nest context, so they
 * import nothing of the service. Each command's module is loaded only when it runs: the apply
 * clients and the dashboard SDK would otherwise double the start-up of `vigil validate`.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command('vigil')
    .description('Vigil: SLOs as code, error budgets, DR drills and incident routing')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run vigil --help for usage)')
    // `vigil budget check x --slos d`: options after a subcommand belong to it, not to `budget`, which has the same ones.
    .enablePositionalOptions();

  const slosOption = () => new Option('--slos <dir>', 'folder of SLO specs').default('slos');

  program
    .command('validate')
    .description('check every spec in the folder; prints file:line:col: message for each problem')
    .addOption(slosOption())
    // No commander default: an absent default folder means no drills, a folder named here must exist.
    .option('--drills <dir>', 'folder of drill specs (kind: Drill); default drills, skipped when it does not exist')
    .action(async (opts: { slos: string; drills?: string }) => {
      code = await (await import('./commands/validate.command.js')).validateCommand(opts, io);
    });

  program
    .command('generate')
    .description('write Prometheus rule files (plain and PrometheusRule) for every service, and for the DR drills')
    .addOption(slosOption())
    .option('--drills <dir>', 'folder of drill specs (kind: Drill), for their alert rules; default drills, skipped when it does not exist')
    .option('--out <dir>', 'output root (rules/ is written below it)', '.')
    .option('--check', 'write nothing; exit 1 listing files that would change', false)
    .action(async (opts: { slos: string; drills?: string; out: string; check: boolean }) => {
      code = await (await import('./commands/generate.command.js')).generateCommand(opts, io);
    });

  program
    .command('convert')
    .description('write specs of any accepted format (vigil/v1, Sloth, OpenSLO, Pyrra) as vigil/v1 or OpenSLO v1; what the target cannot hold is printed as a located warning')
    .argument('[paths...]', 'spec files or folders (default: slos)')
    .addOption(new Option('--to <format>', 'format to write').choices(['vigil', 'openslo'] satisfies ConvertTarget[]).makeOptionMandatory())
    .option('--out <dir>', 'write <name>.vigil.yaml or <name>.openslo.yaml per input file into this folder (all or nothing) instead of printing')
    .action(async (paths: string[], opts: ConvertOptions) => {
      code = await (await import('./commands/convert.command.js')).convertCommand(paths, opts, io);
    });

  const budgetOptions = (c: Command) =>
    c
      .addOption(slosOption())
      .addOption(new Option('--prometheus <url>', 'Prometheus-compatible API (Prometheus, Thanos Query, Mimir)').env('PROMETHEUS_URL'))
      .option('--at <time>', 'evaluate at this time (ISO 8601 or epoch seconds) instead of now')
      .option('--json', 'print JSON instead of a table', false);
  const budget = budgetOptions(
    program
      .command('budget')
      .description('error budgets of every SLO (or one service or SLO), read live from Prometheus; no database needed')
      .argument('[target]', 'service or service/slo')
      .enablePositionalOptions(),
  ).action(async (target: string | undefined, opts: BudgetOptions) => {
    code = await (await import('./commands/budget.command.js')).budgetCommand(target, opts, io);
  });
  budgetOptions(
    budget
      .command('check')
      .description('deploy gate: exit 1 when the SLO has exhausted its error budget, 2 when it cannot be read')
      .argument('<target>', 'service/slo'),
  ).action(async (target: string, opts: BudgetOptions) => {
    code = await (await import('./commands/budget.command.js')).budgetCheckCommand(target, opts, io);
  });

  program
    .command('route')
    .description('incident routing (kind: OnCall)')
    .command('test')
    .description('which route and policy take an alert with these labels, and who would be paged at each level; no database needed')
    .argument('[labels...]', 'name=value, e.g. service=payments severity=critical')
    .addOption(slosOption())
    .option('--at <time>', 'resolve schedules at this time (ISO 8601 or epoch seconds) instead of now')
    .option('--json', 'print JSON instead of text', false)
    .action(async (labels: string[], opts: RouteTestOptions) => {
      code = await (await import('./commands/route.command.js')).routeTestCommand(labels, opts, io);
    });

  const apply = program.command('apply').description('push generated files to running systems: change only what differs');
  apply
    .command('prometheus')
    .description('write rule files into --rules-dir, then POST /-/reload')
    .requiredOption('--url <url>', 'Prometheus base URL, e.g. http://127.0.0.1:9090')
    .requiredOption('--rules-dir <dir>', 'folder Prometheus loads rule files from (rule_files glob)')
    .option('--out <dir>', 'output root holding rules/', '.')
    .option('--dry-run', 'print the plan, change nothing', false)
    .action(async (opts: ApplyPrometheusOptions) => {
      code = await (await import('./commands/apply/apply-prometheus.command.js')).applyPrometheusCommand(opts, io);
    });
  apply
    .command('elasticsearch')
    .description('put ILM policies and index templates from deploy/elasticsearch')
    .requiredOption('--url <url>', 'Elasticsearch base URL')
    .option('--api-key-file <file>', 'file holding an API key (never on the command line)')
    .option('--out <dir>', 'output root holding deploy/elasticsearch/', '.')
    .option('--dry-run', 'print the plan, change nothing', false)
    .action(async (opts: ApplyElasticsearchOptions) => {
      code = await (await import('./commands/apply/apply-elasticsearch.command.js')).applyElasticsearchCommand(opts, io);
    });
  apply
    .command('grafana')
    .description('put dashboards from dashboards/ into a folder')
    .requiredOption('--url <url>', 'Grafana base URL')
    .requiredOption('--token-file <file>', 'file holding a service-account token')
    .option('--folder <title>', 'folder the dashboards go into', 'Vigil')
    .option('--out <dir>', 'output root holding dashboards/', '.')
    .option('--dry-run', 'print the plan, change nothing', false)
    .action(async (opts: ApplyGrafanaOptions) => {
      code = await (await import('./commands/apply/apply-grafana.command.js')).applyGrafanaCommand(opts, io);
    });

  program
    .command('report')
    .description('DR drill reports')
    .command('verify')
    .description('check a stored drill report, or a folder of them as one hash chain; exit 1 naming the first report that was altered, removed or reordered')
    .argument('<path>', 'a report .json file, or a folder of them')
    .action(async (path: string) => {
      code = await (await import('./commands/report.command.js')).reportVerifyCommand(path, io);
    });

  const drill = program.command('drill').description('DR drills (drills/*.yaml): run one now, read and export their reports (DATABASE_URL, or the embedded database)');
  drill
    .command('run')
    .description('run the drill now on this machine; records the run and seals its report into the chain; exit 0 only for PASS')
    .argument('<name>', 'drill name')
    .option('--slos <dir>', 'spec folder (the OnCall spec the drill notifies through)', 'slos')
    .option('--drills <dir>', 'drill folder (default: drills)')
    .option('--force', 'restore even when the backup check finds it unfit: the recovery then shows how far it gets', false)
    .option('--target-time <iso>', 'pitr: recover to this time instead of the spec\'s target')
    .action(async (name: string, opts: DrillRunOptions) => {
      code = await (await import('./commands/drill.command.js')).drillRunCommand(name, opts, io);
    });
  drill
    .command('report')
    .description("print a run's latest report: the sealed JSON, or rendered as Markdown or HTML")
    .argument('<run-id>', 'run id, as `vigil drill run` prints it')
    .addOption(new Option('--format <format>', 'output').choices(['json', 'md', 'html']).default('json'))
    .action(async (runId: string, opts: { format: 'json' | 'md' | 'html' }) => {
      code = await (await import('./commands/drill.command.js')).drillReportCommand(runId, opts, io);
    });
  drill
    .command('sign-off')
    .description("record who reviewed or approved a run's report: a new revision at the end of the chain, the sealed one untouched")
    .argument('<run-id>', 'run id')
    .option('--reviewed-by <name>', 'the reviewer')
    .option('--approved-by <name>', 'the approver')
    .option('--note <text>', 'why, or what was checked')
    .action(async (runId: string, opts: DrillSignOffOptions) => {
      code = await (await import('./commands/drill.command.js')).drillSignOffCommand(runId, opts, io);
    });
  drill
    .command('export')
    .description('write every stored report, as sealed, into a folder that `vigil report verify` checks as one chain')
    .argument('<dir>', 'folder to write into (created; existing files are never overwritten)')
    .action(async (dir: string) => {
      code = await (await import('./commands/drill.command.js')).drillExportCommand(dir, io);
    });

  const token = program
    .command('token')
    .description('API tokens (DATABASE_URL, or the embedded database in VIGIL_DATA_DIR): create, list, revoke');
  token
    .command('create')
    .description('create a token and print it once, on stdout; only its SHA-256 is stored')
    .addOption(new Option('--role <role>', 'what the token may do').choices(ROLES).makeOptionMandatory())
    .requiredOption('--name <name>', 'unique among live tokens; the actor in the audit log')
    .option('--expires-in <duration>', 'e.g. 90d or 12h; default: never')
    .action(async (opts: TokenCreateOptions) => {
      code = await (await import('./commands/token.command.js')).tokenCreateCommand(opts, io);
    });
  token
    .command('list')
    .description('every token: name, role, prefix, created, last used, expires, revoked (never a token or its hash)')
    .option('--json', 'print JSON instead of a table', false)
    .action(async (opts: TokenListOptions) => {
      code = await (await import('./commands/token.command.js')).tokenListCommand(opts, io);
    });
  token
    .command('revoke')
    .description('revoke the live token with this name; exit 1 when there is none')
    .argument('<name>', 'token name')
    .action(async (name: string) => {
      code = await (await import('./commands/token.command.js')).tokenRevokeCommand(name, io);
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
