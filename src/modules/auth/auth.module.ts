import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { FileSecretReader } from '../../adapters/files/secret-file.js';
import { SecretReader } from '../../core/ports/secret-reader.js';
import { PersistenceModule } from '../../persistence/persistence.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { AdminTokenFile } from './admin-token-file.js';
import { AuthGuard } from './auth.guard.js';
import { RequestAuthenticator } from './request-authenticator.js';
import { SessionPruneService } from './session-prune.service.js';
import { SessionVerifier } from './session-verifier.js';
import { SessionController } from './session.controller.js';
import { SessionService } from './session.service.js';
import { TokenVerifier } from './token-verifier.js';

/**
 * API tokens and web UI sessions: the global guard every route passes, the token and session
 * caches, sign-in and sign-out (ended sessions pruned hourly), and the admin token file.
 */
@Module({
  imports: [PersistenceModule, AuditModule, JobsModule],
  controllers: [SessionController],
  providers: [
    TokenVerifier,
    SessionVerifier,
    RequestAuthenticator,
    SessionService,
    SessionPruneService,
    AdminTokenFile,
    { provide: SecretReader, useClass: FileSecretReader },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokenVerifier, RequestAuthenticator],
})
export class AuthModule {}
