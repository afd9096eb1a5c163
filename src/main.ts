import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.module.js';
import { ConfigError, loadConfig } from './config/config.js';
import { JsonLogger } from './modules/logging/json-logger.js';

/** `npm start`: validate the specs, regenerate rules/, then serve the API. */
async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  try {
    await app.listen(config.port, config.host);
  } catch (err) {
    // The database may be up already (embedded): stop it in order before giving up.
    await app.close().catch(() => undefined);
    throw err;
  }
  new Logger('Main').log(`listening on ${await app.getUrl()}`);
}

bootstrap().catch((err: unknown) => {
  const logger = new JsonLogger(['fatal', 'error']);
  if (err instanceof ConfigError) logger.error(err.message, { problems: err.problems }, 'Config');
  else logger.error(`start-up failed: ${err instanceof Error ? err.message : String(err)}`, err instanceof Error ? err.stack : undefined, 'Main');
  process.exit(1);
});
