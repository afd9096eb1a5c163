import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { FileSecretReader } from '../../adapters/files/secret-file.js';
import { SecretReader } from '../../core/ports/secret-reader.js';
import { PersistenceModule } from '../../persistence/persistence.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { AdminTokenFile } from './admin-token-file.js';
import { AuthGuard } from './auth.guard.js';
import { TokenVerifier } from './token-verifier.js';

/** API tokens: the global guard every route passes, the token cache, and the admin token file. */
@Module({
  imports: [PersistenceModule, AuditModule],
  providers: [TokenVerifier, AdminTokenFile, { provide: SecretReader, useClass: FileSecretReader }, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokenVerifier],
})
export class AuthModule {}
