import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ConfigModule } from '../config/config.module.js';
import { platformConfig } from '../config/platform.config.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), ConfigModule.forFeature(platformConfig)],
  controllers: [HealthController],
})
export class HealthModule {}
