import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { VIGIL_CONFIG, type VigilConfig } from '../../config/config.js';
import { displayPrefix, hashApiToken, isApiTokenFormat } from '../../core/auth/api-token.js';
import { SecretReader } from '../../core/ports/secret-reader.js';
import { ApiTokenRepository } from '../../persistence/api-token.repository.js';
import { AuditService } from '../audit/audit.service.js';

export const ADMIN_FROM_FILE = 'admin-from-file';
const CREATED_BY = 'VIGIL_ADMIN_TOKEN_FILE';

/**
 * The first admin token of a fresh install, and its rotation: at every start the token in
 * VIGIL_ADMIN_TOKEN_FILE becomes the live admin token named `admin-from-file` (inserted by hash;
 * a different token under that name is revoked and replaced). The token itself is never logged.
 */
@Injectable()
export class AdminTokenFile implements OnApplicationBootstrap {
  private readonly log = new Logger('Auth');

  constructor(
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly tokens: ApiTokenRepository,
    private readonly audit: AuditService,
    private readonly secrets: SecretReader,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.adminTokenFile) await this.ensure(this.config.adminTokenFile);
    if ((await this.tokens.countActive('admin')) === 0) {
      this.log.warn('no active admin token: every API call will be refused until one exists; run `vigil token create --role admin --name <name>` or set VIGIL_ADMIN_TOKEN_FILE (README, "API tokens")');
    }
  }

  private async ensure(file: string): Promise<void> {
    const token = await this.secrets.read(file, 'VIGIL_ADMIN_TOKEN_FILE');
    // A bad file stops the start: an operator who set the variable expects the token to work.
    if (!isApiTokenFormat(token)) {
      throw new Error(`VIGIL_ADMIN_TOKEN_FILE: ${file} does not hold a Vigil API token (vgl_ followed by 43 base64url characters, 32 random bytes)`);
    }
    const r = await this.tokens.ensure({ name: ADMIN_FROM_FILE, role: 'admin', tokenHash: hashApiToken(token), prefix: displayPrefix(token), createdBy: CREATED_BY, expiresAt: null });
    if (r.outcome === 'refused') {
      this.log.error(`VIGIL_ADMIN_TOKEN_FILE: the token in ${file} was not made the admin token: ${r.reason}`);
      return;
    }
    if (r.outcome === 'unchanged') {
      this.log.log(`admin token "${ADMIN_FROM_FILE}" from ${file} (${r.token.prefix}…) is current`);
      return;
    }
    this.log.log(`admin token "${ADMIN_FROM_FILE}" ${r.outcome} from ${file} (${r.token.prefix}…)${r.outcome === 'rotated' ? '; the previous one is revoked' : ''}`);
    await this.audit.recordSystem({ route: 'admin-token-file', path: file, status: 0, tokenId: r.token.id, detail: { outcome: r.outcome, name: ADMIN_FROM_FILE, prefix: r.token.prefix } });
  }
}
