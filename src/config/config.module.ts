import { Global, Module, type DynamicModule } from '@nestjs/common';
import { SystemClock } from '../adapters/clock/system-clock.js';
import { Clock } from '../core/ports/clock.js';
import { VIGIL_CONFIG, type VigilConfig } from './config.js';

/** Makes the config validated at start-up, and the clock, injectable everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: VigilConfig, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: VIGIL_CONFIG, useValue: config },
        { provide: Clock, useValue: clock },
      ],
      exports: [VIGIL_CONFIG, Clock],
    };
  }
}
