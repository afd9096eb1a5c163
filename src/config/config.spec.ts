import { ConfigError, enabledLogLevels, loadConfig, redactUrl } from './config.js';

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({ port: 3000, slosDir: 'slos', outDir: '.', dataDir: '.vigil', logLevel: 'log' });
  });

  it.each([
    ['an empty DATABASE_URL means unset (embedded database)', { DATABASE_URL: '' }, 'databaseUrl', undefined],
    ['PORT 0 asks the OS for a free port', { PORT: '0' }, 'port', 0],
    ['LOG_LEVEL info is Nest\'s log', { LOG_LEVEL: 'info' }, 'logLevel', 'log'],
    ['a postgresql:// URL is taken as is', { DATABASE_URL: 'postgresql://u:p@db:5432/vigil' }, 'databaseUrl', 'postgresql://u:p@db:5432/vigil'],
  ] as const)('%s', (_, env, key, value) => {
    expect(loadConfig(env)[key]).toBe(value);
  });

  it.each([
    ['PORT that is not a number', { PORT: 'http' }, /PORT: must be a number/],
    ['PORT out of range', { PORT: '70000' }, /PORT: /],
    ['an unknown LOG_LEVEL', { LOG_LEVEL: 'loud' }, /LOG_LEVEL: must be one of/],
    ['a DATABASE_URL of another scheme', { DATABASE_URL: 'mysql://u:hunter2@db/x' }, /DATABASE_URL: must be a postgres/],
  ])('refuses %s with a message naming the variable', (_, env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never repeats the DATABASE_URL value (it may hold a password) in its error', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:hunter2@db/x' })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('hunter2') }));
  });
});

describe('redactUrl', () => {
  it.each([
    ['postgresql://vigil:s3cret@db:5432/vigil', 'postgresql://vigil:***@db:5432/vigil'],
    ['postgres://db/vigil', 'postgres://db/vigil'],
    ['not a url', '<unparseable url>'],
  ])('%s is logged as %s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });
});

describe('enabledLogLevels', () => {
  it.each([
    ['error', ['fatal', 'error']],
    ['log', ['fatal', 'error', 'warn', 'log']],
    ['verbose', ['fatal', 'error', 'warn', 'log', 'debug', 'verbose']],
  ] as const)('%s enables itself and everything more severe', (level, levels) => {
    expect(enabledLogLevels(level)).toEqual(levels);
  });
});
