import { Module } from '@nestjs/common';
import { GroupsController } from './groups.controller.js';
import { GroupsRepository } from './groups.repository.js';
import { PlatformTokensController } from './platform-tokens.controller.js';
import { ProjectTokensController } from './tokens.controller.js';
import { TokensRepository } from './tokens.repository.js';
import { TokensService } from './tokens.service.js';
import { WhoamiController } from './whoami.controller.js';

/** Who may do what: project and platform tokens, OIDC group bindings, whoami. */
@Module({
  controllers: [ProjectTokensController, PlatformTokensController, GroupsController, WhoamiController],
  providers: [TokensService, TokensRepository, GroupsRepository],
})
export class AccessModule {}
