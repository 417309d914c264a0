import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { pipeline } from 'node:stream/promises';
import { ApiBearerAuth, ApiBody, ApiConflictResponse, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, CurrentProject } from '../common/auth/current.decorator.js';
import type { Principal, ProjectRef } from '../common/auth/principal.js';
import { jsonSchema } from '../common/openapi/json-schema.js';
import { ZodPipe } from '../common/validation/zod-body.pipe.js';
import { DatasetVersionsService } from './dataset-versions.service.js';
import { createDatasetVersionSchema, listDatasetVersionsSchema, type ListDatasetVersions } from './datasets.dto.js';
import { datasetVersionPageSchema, datasetVersionSchema } from './datasets.responses.js';

@ApiTags('datasets')
@ApiBearerAuth()
@Controller('v1/projects/:project/datasets/:name/versions')
export class DatasetVersionsController {
  constructor(private readonly versions: DatasetVersionsService) {}

  @Post()
  @ApiPayloadTooLargeResponse({ description: 'The archive, its files unpacked, or the objects under an s3:// prefix exceed BEAMLINE_DATASET_MAX_BYTES' })
  @ApiOperation({
    summary:
      'Register a version. multipart/form-data (part `file`: a .tar or .tar.gz, part `spec`: {"description"}) uploads an archive, checked and unpacked; ' +
      'application/json {"uri": "pvc://<claim>/<path>" | "s3://<bucket>/<prefix>"} points at data elsewhere (an s3:// prefix is fetched now, checked like an archive, and kept as a tar snapshot)',
  })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ schema: jsonSchema(createDatasetVersionSchema) })
  @ApiCreatedResponse({ schema: jsonSchema(datasetVersionSchema) })
  create(@CurrentProject() project: ProjectRef, @CurrentPrincipal() principal: Principal, @Param('name') name: string, @Req() req: Request) {
    return this.versions.create(project, principal, name, req);
  }

  @Get()
  @ApiOperation({ summary: 'List versions, newest first' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiOkResponse({ schema: jsonSchema(datasetVersionPageSchema) })
  list(@CurrentProject() project: ProjectRef, @Param('name') name: string, @Query(new ZodPipe(listDatasetVersionsSchema, 'query')) query: ListDatasetVersions) {
    return this.versions.list(project, name, query);
  }

  @Get(':version')
  @ApiOperation({ summary: 'One version with its size, file count, digest and the job attempts that mounted it (usedBy)' })
  @ApiOkResponse({ schema: jsonSchema(datasetVersionSchema) })
  get(@CurrentProject() project: ProjectRef, @Param('name') name: string, @Param('version') version: string) {
    return this.versions.get(project, name, version);
  }

  @Delete(':version')
  @HttpCode(204)
  @ApiConflictResponse({ description: 'A training job names or has read the version' })
  @ApiOperation({ summary: 'Delete a version; 409 while any training job names it or has read it' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async delete(@CurrentProject() project: ProjectRef, @Param('name') name: string, @Param('version') version: string): Promise<void> {
    await this.versions.delete(project, name, version);
  }

  @Get(':version/archive')
  @ApiOperation({ summary: 'Download the uploaded archive, or an s3:// version\'s snapshot, as stored (ETag and X-Content-SHA256: its sha256); 404 for pvc:// versions' })
  @ApiOkResponse({ description: 'The archive', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } })
  async archive(@CurrentProject() project: ProjectRef, @Param('name') name: string, @Param('version') version: string, @Res() res: Response): Promise<void> {
    const download = await this.versions.archive(project, name, version);
    for (const [header, value] of Object.entries(download.headers)) res.setHeader(header, value);
    // Once headers are out an error can only cut the connection short (Content-Length unmet tells the client).
    await pipeline(download.body, res).catch(() => res.destroy());
  }
}
