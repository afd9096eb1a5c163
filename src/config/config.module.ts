import { Global, Module, type DynamicModule } from '@nestjs/common';
import { VIGIL_CONFIG, type VigilConfig } from './config.js';

/** Wall-clock time in epoch milliseconds. Injected so tests can pin "now" to the end of synthetic history. */
export type Clock = () => number;
export const CLOCK = Symbol('CLOCK');

/** Makes the config validated at start-up injectable everywhere, without re-reading env. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: VigilConfig, clock: Clock = Date.now): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: VIGIL_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
      ],
      exports: [VIGIL_CONFIG, CLOCK],
    };
  }
}
