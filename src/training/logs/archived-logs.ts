import { Injectable } from '@nestjs/common';
import { LogArchiveRepository } from './log-archive.repository.js';
import { LogChunkStore } from './log-chunk-store.js';

/** The read side of the log archive, for the api role: the rows give the order, the store the bytes. */
@Injectable()
export class ArchivedLogs {
  constructor(
    private readonly repo: LogArchiveRepository,
    private readonly store: LogChunkStore,
  ) {}

  async *read(jobId: string, attempt: number, worker: number, signal?: AbortSignal): AsyncIterable<string> {
    yield* this.store.read(await this.repo.chunks(jobId, attempt, worker), signal);
  }
}
