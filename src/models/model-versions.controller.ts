import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConflictResponse, ApiConsumes, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiRequestedRangeNotSatisfiableResponse, ApiResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, CurrentProject } from '../common/auth/current.decorator.js';
import type { Principal, ProjectRef } from '../common/auth/principal.js';
import { jsonSchema } from '../common/openapi/json-schema.js';
import { ZodPipe } from '../common/validation/zod-body.pipe.js';
import { sendDownload } from './artifacts/send-download.js';
import { ModelArtifactsService, SHA256_HEADER } from './model-artifacts.service.js';
import { modelVersionPageSchema, modelVersionSchema } from './models.responses.js';
import { ModelVersionsService } from './model-versions.service.js';
import { createVersionSchema, listVersionsSchema, updateVersionSchema, type ListVersions, type UpdateVersion } from './models.dto.js';

const VERSION_PARAM = "a version number, 'latest' (newest Ready version) or '@<alias>'";

@ApiTags('models')
@ApiBearerAuth()
@Controller('v1/projects/:project/models/:name/versions')
export class ModelVersionsController {
  constructor(
    private readonly versions: ModelVersionsService,
    private readonly artifacts: ModelArtifactsService,
  ) {}

  @Post()
  @ApiUnprocessableEntityResponse({ description: 'The file is not a loadable ONNX model, or the variables do not fit its signature' })
  @ApiOperation({
    summary:
      'Register a version. multipart/form-data (part `spec`: JSON as below, part `file`: the ONNX model) registers it Ready in one step; ' +
      'application/json creates it PendingUpload, to be completed with PUT .../artifact',
  })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiBody({ schema: jsonSchema(createVersionSchema) })
  @ApiHeader({ name: SHA256_HEADER, required: false, description: 'the sha256 the file must have' })
  @ApiCreatedResponse({ schema: jsonSchema(modelVersionSchema) })
  create(@CurrentProject() project: ProjectRef, @CurrentPrincipal() principal: Principal, @Param('name') name: string, @Req() req: Request) {
    return this.artifacts.createVersion(project, principal, name, req);
  }

  @Get()
  @ApiOperation({ summary: 'List versions, newest first' })
  @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'tag', required: false, description: 'comma-separated; a version must carry every one' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiOkResponse({ schema: jsonSchema(modelVersionPageSchema) })
  list(@CurrentProject() project: ProjectRef, @Param('name') name: string, @Query(new ZodPipe(listVersionsSchema, 'query')) query: ListVersions) {
    return this.versions.list(project, name, query);
  }

  @Get(':version')
  @ApiOperation({ summary: `One version with its signature, variables and lineage; {version} is ${VERSION_PARAM}` })
  @ApiOkResponse({ schema: jsonSchema(modelVersionSchema) })
  get(@CurrentProject() project: ProjectRef, @Param('name') name: string, @Param('version') version: string) {
    return this.versions.get(project, name, version);
  }

  @Patch(':version')
  @ApiUnprocessableEntityResponse({ description: 'The variable metadata does not fit the model signature' })
  @ApiOperation({ summary: 'Update description, tags, metrics or variable metadata (checked against the signature)' })
  @ApiBody({ schema: jsonSchema(updateVersionSchema) })
  @ApiOkResponse({ schema: jsonSchema(modelVersionSchema) })
  update(
    @CurrentProject() project: ProjectRef,
    @Param('name') name: string,
    @Param('version') version: string,
    @Body(new ZodPipe(updateVersionSchema)) body: UpdateVersion,
  ) {
    return this.versions.update(project, name, version, body);
  }

  @Delete(':version')
  @ApiConflictResponse({ description: 'An alias or an endpoint uses the version' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a version; 409 while an alias or an inference endpoint uses it' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async delete(@CurrentProject() project: ProjectRef, @Param('name') name: string, @Param('version') version: string): Promise<void> {
    await this.versions.delete(project, name, version);
  }

  @Put(':version/artifact')
  @ApiConflictResponse({ description: 'The version already has its artifact' })
  @ApiUnprocessableEntityResponse({ description: 'The file is not a loadable ONNX model' })
  @ApiOperation({ summary: 'Upload the ONNX artifact of a PendingUpload version as application/octet-stream (streamed, sha256-verified)' })
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' }, description: 'the ONNX file' })
  @ApiHeader({ name: SHA256_HEADER, required: false, description: 'the sha256 the file must have' })
  @ApiOkResponse({ schema: jsonSchema(modelVersionSchema) })
  upload(@CurrentProject() project: ProjectRef, @Param('name') name: string, @Param('version') version: string, @Req() req: Request) {
    return this.artifacts.upload(project, name, version, req);
  }

  @Get(':version/artifact')
  @ApiRequestedRangeNotSatisfiableResponse({ description: "The range is outside the artifact's bytes" })
  @ApiOperation({ summary: 'Download the artifact: ETag is the sha256; If-None-Match and single byte ranges are honoured (HEAD too)' })
  @ApiHeader({ name: 'Range', required: false })
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiOkResponse({ description: 'The whole artifact', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } })
  @ApiResponse({ status: 206, description: 'The requested byte range', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } })
  @ApiResponse({ status: 304, description: 'If-None-Match names the artifact: not sent again' })
  async download(
    @CurrentProject() project: ProjectRef,
    @Param('name') name: string,
    @Param('version') version: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    sendDownload(res, await this.artifacts.download(project, name, version, { method: req.method, range: req.headers.range, ifNoneMatch: req.headers['if-none-match'] }));
  }
}
