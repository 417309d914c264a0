import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentProject } from '../common/auth/current.decorator.js';
import type { Principal, ProjectRef } from '../common/auth/principal.js';
import { jsonSchema } from '../common/openapi/json-schema.js';
import { ZodPipe } from '../common/validation/zod-body.pipe.js';
import { createDatasetSchema, listDatasetsSchema, type CreateDataset, type ListDatasets } from './datasets.dto.js';
import { datasetPageSchema, datasetSchema } from './datasets.responses.js';
import { DatasetsService } from './datasets.service.js';

@ApiTags('datasets')
@ApiBearerAuth()
@Controller('v1/projects/:project/datasets')
export class DatasetsController {
  constructor(private readonly datasets: DatasetsService) {}

  @Post()
  @ApiConflictResponse({ description: 'A dataset with this name exists' })
  @ApiOperation({ summary: 'Register a dataset (name unique in the project); its data comes with versions' })
  @ApiBody({ schema: jsonSchema(createDatasetSchema) })
  @ApiCreatedResponse({ schema: jsonSchema(datasetSchema) })
  create(@CurrentProject() project: ProjectRef, @CurrentPrincipal() principal: Principal, @Body(new ZodPipe(createDatasetSchema)) body: CreateDataset) {
    return this.datasets.create(project, principal, body);
  }

  @Get()
  @ApiOperation({ summary: 'List datasets by name prefix, in name order' })
  @ApiQuery({ name: 'namePrefix', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiOkResponse({ schema: jsonSchema(datasetPageSchema) })
  list(@CurrentProject() project: ProjectRef, @Query(new ZodPipe(listDatasetsSchema, 'query')) query: ListDatasets) {
    return this.datasets.list(project, query);
  }

  @Get(':name')
  @ApiOkResponse({ schema: jsonSchema(datasetSchema) })
  get(@CurrentProject() project: ProjectRef, @Param('name') name: string) {
    return this.datasets.get(project, name);
  }
}
