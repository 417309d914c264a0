import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentProject } from '../../common/auth/current.decorator.js';
import type { Principal, ProjectRef } from '../../common/auth/principal.js';
import { jsonSchema } from '../../common/openapi/json-schema.js';
import { ZodPipe } from '../../common/validation/zod-body.pipe.js';
import { recordCheckpointSchema, type RecordCheckpoint } from './checkpoints.dto.js';
import { checkpointListSchema, recordedCheckpointSchema } from './checkpoints.responses.js';
import { CheckpointsService } from './checkpoints.service.js';

@ApiTags('training')
@ApiBearerAuth()
@Controller('v1/projects/:project/training-jobs/:id/checkpoints')
export class CheckpointsController {
  constructor(private readonly checkpoints: CheckpointsService) {}

  @Get()
  @ApiOperation({ summary: "The job's complete checkpoints, newest step first (the last BEAMLINE_CHECKPOINT_KEEP)" })
  @ApiOkResponse({ schema: jsonSchema(checkpointListSchema) })
  list(@CurrentProject() project: ProjectRef, @Param('id') id: string) {
    return this.checkpoints.list(project, id);
  }

  @Post()
  @ApiOperation({ summary: "Record a complete checkpoint (step-<n>, renamed into BEAMLINE_CHECKPOINT_DIR); the SDK's checkpoint.save calls this" })
  @ApiBody({ schema: jsonSchema(recordCheckpointSchema) })
  @ApiCreatedResponse({ schema: jsonSchema(recordedCheckpointSchema) })
  @ApiConflictResponse({ description: 'The job is not Scheduled or Running' })
  record(
    @CurrentProject() project: ProjectRef,
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodPipe(recordCheckpointSchema)) body: RecordCheckpoint,
  ) {
    return this.checkpoints.record(project, principal, id, body);
  }
}
