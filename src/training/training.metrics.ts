import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsService } from '../common/metrics/metrics.service.js';
import { TRAINING_STATUSES } from './training-state.js';
import { TRAINING_QUEUE, TrainingQueue } from './training.queue.js';
import { TrainingRepository } from './training.repository.js';

/** beamline_training_jobs{status} and beamline_queue_depth{queue,state}, read at scrape time. */
@Injectable()
export class TrainingMetrics {
  constructor(metrics: MetricsService, jobs: TrainingRepository, queue: TrainingQueue) {
    new Gauge({
      name: 'beamline_training_jobs',
      help: 'Training jobs by status',
      labelNames: ['status'],
      registers: [metrics.registry],
      async collect() {
        const counts = await jobs.countByStatus().catch(() => undefined);
        if (!counts) return;
        for (const status of TRAINING_STATUSES) this.set({ status }, counts.get(status) ?? 0);
      },
    });
    new Gauge({
      name: 'beamline_queue_depth',
      help: 'Messages in a BullMQ queue by state (absent while Redis is down)',
      labelNames: ['queue', 'state'],
      registers: [metrics.registry],
      async collect() {
        this.reset();
        const counts = await queue.counts();
        if (!counts) return;
        for (const [state, value] of Object.entries(counts)) this.set({ queue: TRAINING_QUEUE, state }, value);
      },
    });
  }
}
