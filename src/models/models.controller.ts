import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentProject } from '../common/auth/current.decorator.js';
import type { Principal, ProjectRef } from '../common/auth/principal.js';
import { jsonSchema } from '../common/openapi/json-schema.js';
import { ZodPipe } from '../common/validation/zod-body.pipe.js';
import {
  aliasHistorySchema,
  createModelSchema,
  listModelsSchema,
  setAliasSchema,
  updateModelSchema,
  type AliasHistoryQuery,
  type CreateModel,
  type ListModels,
  type SetAlias,
  type UpdateModel,
} from './models.dto.js';
import { aliasHistoryResponseSchema, modelAliasesSchema, modelAliasSchema, modelDetailSchema, modelPageSchema, modelSchema } from './models.responses.js';
import { ModelsService } from './models.service.js';

@ApiTags('models')
@ApiBearerAuth()
@Controller('v1/projects/:project/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Post()
  @ApiConflictResponse({ description: 'A model with this name exists' })
  @ApiOperation({ summary: 'Register a model (name unique in the project)' })
  @ApiBody({ schema: jsonSchema(createModelSchema) })
  @ApiCreatedResponse({ schema: jsonSchema(modelSchema) })
  create(@CurrentProject() project: ProjectRef, @CurrentPrincipal() principal: Principal, @Body(new ZodPipe(createModelSchema)) body: CreateModel) {
    return this.models.create(project, principal, body);
  }

  @Get()
  @ApiOperation({ summary: 'List or search models by name prefix and tags (all given tags), in name order' })
  @ApiQuery({ name: 'namePrefix', required: false })
  @ApiQuery({ name: 'tag', required: false, description: 'comma-separated; a model must carry every one' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiOkResponse({ schema: jsonSchema(modelPageSchema) })
  list(@CurrentProject() project: ProjectRef, @Query(new ZodPipe(listModelsSchema, 'query')) query: ListModels) {
    return this.models.list(project, query);
  }

  @Get(':name')
  @ApiOkResponse({ schema: jsonSchema(modelDetailSchema) })
  get(@CurrentProject() project: ProjectRef, @Param('name') name: string) {
    return this.models.get(project, name);
  }

  @Patch(':name')
  @ApiOperation({ summary: 'Update description, tags or metadata' })
  @ApiBody({ schema: jsonSchema(updateModelSchema) })
  @ApiOkResponse({ schema: jsonSchema(modelSchema) })
  update(@CurrentProject() project: ProjectRef, @Param('name') name: string, @Body(new ZodPipe(updateModelSchema)) body: UpdateModel) {
    return this.models.update(project, name, body);
  }

  @Get(':name/aliases')
  @ApiOkResponse({ schema: jsonSchema(modelAliasesSchema) })
  listAliases(@CurrentProject() project: ProjectRef, @Param('name') name: string) {
    return this.models.listAliases(project, name);
  }

  @Get(':name/aliases/:alias')
  @ApiOkResponse({ schema: jsonSchema(modelAliasSchema) })
  getAlias(@CurrentProject() project: ProjectRef, @Param('name') name: string, @Param('alias') alias: string) {
    return this.models.getAlias(project, name, alias);
  }

  @Put(':name/aliases/:alias')
  @ApiConflictResponse({ description: 'The version has no artifact yet' })
  @ApiOperation({ summary: 'Point an alias at a Ready version (create or move); protected aliases need an ADMIN token' })
  @ApiBody({ schema: jsonSchema(setAliasSchema) })
  @ApiOkResponse({ schema: jsonSchema(modelAliasSchema) })
  setAlias(
    @CurrentProject() project: ProjectRef,
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Param('alias') alias: string,
    @Body(new ZodPipe(setAliasSchema)) body: SetAlias,
  ) {
    return this.models.setAlias(project, principal, name, alias, body);
  }

  @Delete(':name/aliases/:alias')
  @HttpCode(204)
  async deleteAlias(
    @CurrentProject() project: ProjectRef,
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Param('alias') alias: string,
  ): Promise<void> {
    await this.models.deleteAlias(project, principal, name, alias);
  }

  @Get(':name/aliases/:alias/history')
  @ApiOperation({ summary: "Every change of an alias, oldest first; with ?at=<ISO time>, also the version it pointed to then" })
  @ApiQuery({ name: 'at', required: false })
  @ApiOkResponse({ schema: jsonSchema(aliasHistoryResponseSchema) })
  aliasHistory(
    @CurrentProject() project: ProjectRef,
    @Param('name') name: string,
    @Param('alias') alias: string,
    @Query(new ZodPipe(aliasHistorySchema, 'query')) query: AliasHistoryQuery,
  ) {
    return this.models.aliasHistory(project, name, alias, query);
  }
}
