import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SeedAdmin } from '../application/commands/seed-admin/seed-admin.command.js';
import { SeedAdminHandler } from '../application/commands/seed-admin/seed-admin.handler.js';
import { identityConfig, type IdentityConfig } from '../identity.config.js';

/** Seeds the configured admin once the app is up (the schema is migrated before any provider gets its DataSource). */
@Injectable()
export class SeedAdminOnStartup implements OnApplicationBootstrap {
  private readonly logger = new Logger('Identity');

  constructor(
    @Inject(identityConfig.token) private readonly config: IdentityConfig,
    private readonly seedAdmin: SeedAdminHandler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Called directly: the CommandBus registers its handlers in its own onApplicationBootstrap, in no guaranteed order with ours.
    const result = await this.seedAdmin.execute(new SeedAdmin(this.config.admin.email, this.config.admin.password));
    if (!result.created) return;
    if (result.generatedPassword) {
      // Development only (production requires ADMIN_PASSWORD); shown this once, since the next start finds the admin.
      this.logger.warn(`Seeded admin ${result.email} with generated password: ${result.generatedPassword}`);
    } else {
      this.logger.log(`Seeded admin ${result.email} with the configured password`);
    }
  }
}
