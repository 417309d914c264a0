import { Module } from '@nestjs/common';
import { ClusterQueuesController } from './cluster-queues.controller.js';
import { ProjectQueuesController } from './project-queues.controller.js';
import { QueuesRepository } from './queues.repository.js';
import { QueuesService } from './queues.service.js';

/** Cluster queues (quota, cohorts, weights) and project queues; the scheduler reads them through its own repository. */
@Module({ controllers: [ClusterQueuesController, ProjectQueuesController], providers: [QueuesService, QueuesRepository] })
export class QueuesModule {}
