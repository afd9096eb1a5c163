import { Global, Module, type DynamicModule } from '@nestjs/common';
import { VIGIL_CONFIG, type VigilConfig } from './config.js';

/** Makes the config validated at start-up injectable everywhere, without re-reading env. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: VigilConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: VIGIL_CONFIG, useValue: config }], exports: [VIGIL_CONFIG] };
  }
}
