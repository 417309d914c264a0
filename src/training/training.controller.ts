import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, CurrentProject } from '../common/auth/current.decorator.js';
import type { Principal, ProjectRef } from '../common/auth/principal.js';
import { jsonSchema } from '../common/openapi/json-schema.js';
import { RateLimited } from '../common/rate-limit/rate-limited.decorator.js';
import { ZodPipe } from '../common/validation/zod-body.pipe.js';
import { listTrainingJobsSchema, submitTrainingJobSchema, type ListTrainingJobs, type SubmitTrainingJob } from './training.dto.js';
import { logsQuerySchema, TrainingLogs, type LogsQuery } from './training.logs.js';
import { trainingJobDetailSchema, trainingJobEventsSchema, trainingJobPageSchema, trainingJobSchema } from './training.responses.js';
import { TrainingService } from './training.service.js';

@ApiTags('training')
@ApiBearerAuth()
@Controller('v1/projects/:project/training-jobs')
export class TrainingController {
  constructor(
    private readonly training: TrainingService,
    private readonly trainingLogs: TrainingLogs,
  ) {}

  @Post()
  @ApiConflictResponse({ description: 'The Idempotency-Key was used for a different body' })
  @RateLimited('submit')
  @ApiOperation({ summary: 'Submit a training job (201; 200 when an Idempotency-Key replays an earlier submission)' })
  @ApiBody({ schema: jsonSchema(submitTrainingJobSchema) })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ schema: jsonSchema(trainingJobSchema) })
  @ApiOkResponse({ description: 'An Idempotency-Key replay: the job created the first time', schema: jsonSchema(trainingJobSchema) })
  async submit(
    @CurrentProject() project: ProjectRef,
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(submitTrainingJobSchema)) body: SubmitTrainingJob,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { job, created } = await this.training.submit(project, principal, body, idempotencyKey);
    res.status(created ? 201 : 200);
    if (!created) res.setHeader('Idempotent-Replayed', 'true');
    return job;
  }

  @Get()
  @ApiOperation({ summary: 'List training jobs, newest first, with cursor pagination' })
  @ApiQuery({ name: 'status', required: false, description: 'comma-separated statuses' })
  @ApiQuery({ name: 'queue', required: false })
  @ApiQuery({ name: 'namePrefix', required: false })
  @ApiQuery({ name: 'submittedBy', required: false, description: 'the principal that submitted the job (exact)' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiOkResponse({ schema: jsonSchema(trainingJobPageSchema) })
  list(@CurrentProject() project: ProjectRef, @Query(new ZodPipe(listTrainingJobsSchema, 'query')) query: ListTrainingJobs) {
    return this.training.list(project, query);
  }

  @Get(':id')
  @ApiOkResponse({ schema: jsonSchema(trainingJobDetailSchema) })
  get(@CurrentProject() project: ProjectRef, @Param('id') id: string) {
    return this.training.get(project, id);
  }

  @Get(':id/events')
  @ApiOkResponse({ schema: jsonSchema(trainingJobEventsSchema) })
  events(@CurrentProject() project: ProjectRef, @Param('id') id: string) {
    return this.training.events(project, id);
  }

  @Get(':id/logs')
  @ApiConflictResponse({ description: 'The job has not been scheduled yet' })
  @ApiServiceUnavailableResponse({ description: 'No cluster driver is configured' })
  @ApiOkResponse({ description: "The worker's output", content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiOperation({ summary: 'Worker logs as text/plain, live while the cluster has them, else from the archive; follow=true streams until the worker ends' })
  @ApiQuery({ name: 'follow', required: false })
  @ApiQuery({ name: 'worker', required: false })
  @ApiQuery({ name: 'attempt', required: false })
  async logs(
    @CurrentProject() project: ProjectRef,
    @Param('id') id: string,
    @Query(new ZodPipe(logsQuerySchema, 'query')) query: LogsQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const abort = new AbortController();
    req.on('close', () => abort.abort());
    const stream = await this.trainingLogs.open(project, id, query, abort.signal);
    res.status(200).type('text/plain; charset=utf-8');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    for await (const chunk of stream) {
      if (abort.signal.aborted) break;
      res.write(chunk);
    }
    res.end();
  }

  @Post(':id/cancel')
  @ApiConflictResponse({ description: 'The job already ended, or changed concurrently' })
  @HttpCode(200)
  @ApiOkResponse({ schema: jsonSchema(trainingJobSchema) })
  cancel(@CurrentProject() project: ProjectRef, @Param('id') id: string) {
    return this.training.cancel(project, id);
  }

  @Post(':id/resume')
  @ApiOperation({ summary: 'Resume a Failed or Cancelled job: a new attempt from its last complete checkpoint (BEAMLINE_RESUME_FROM)' })
  @ApiConflictResponse({ description: 'The job is not Failed or Cancelled' })
  @HttpCode(200)
  @ApiOkResponse({ schema: jsonSchema(trainingJobSchema) })
  resume(@CurrentProject() project: ProjectRef, @Param('id') id: string) {
    return this.training.resume(project, id);
  }
}
