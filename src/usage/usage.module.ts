import { Module } from '@nestjs/common';
import { UsageController } from './usage.controller.js';
import { UsageMetrics } from './usage.metrics.js';
import { UsageRepository } from './usage.repository.js';
import { UsageService } from './usage.service.js';

/** GPU-hour accounting: the ledger is written by the training repository when an attempt ends; this module reads it. */
@Module({ controllers: [UsageController], providers: [UsageService, UsageRepository, UsageMetrics] })
export class UsageModule {}
