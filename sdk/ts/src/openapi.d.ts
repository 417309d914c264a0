/**
 * Generated from the platform's /openapi.json by openapi-typescript. Do not edit:
 * UPDATE_OPENAPI=1 npx vitest run test/integration/openapi-drift.test.ts (or, with a server running: npm run sdk:openapi -- --url http://127.0.0.1:8080)
 */
export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HealthController_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HealthController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The audit log, newest first, with cursor pagination (platform admins only) */
        get: operations["AuditController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AuthController_config"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record a completed SSO login and answer whoami */
        post: operations["WhoamiController_login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/whoami": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["WhoamiController_whoami"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cluster-queues": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ClusterQueuesController_list"];
        put?: never;
        post: operations["ClusterQueuesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cluster-queues/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ClusterQueuesController_get"];
        put?: never;
        post?: never;
        /** Delete a cluster queue and its project queues: 409 while jobs use it, unless drain=true (cancels the waiting ones; running ones finish) */
        delete: operations["ClusterQueuesController_delete"];
        options?: never;
        head?: never;
        /** Change cohort, strategy, weight or quota (quota replaces the whole list); needs If-Match: 428 without, 412 when stale */
        patch: operations["ClusterQueuesController_update"];
        trace?: never;
    };
    "/v1/cluster-queues/{name}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ClusterQueuesController_history"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cluster/allocation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** GPUs held over time per GPU flavor and project, from the stored usage ledger and the running attempts; other projects' share without name */
        get: operations["ClusterViewController_allocation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cluster/nodes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Nodes and their GPUs (product, memory, MIG slices, sharing) with the jobs holding each device; other projects' jobs without name */
        get: operations["ClusterViewController_nodes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectsController_list"];
        put?: never;
        post: operations["ProjectsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/datasets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List datasets by name prefix, in name order */
        get: operations["DatasetsController_list"];
        put?: never;
        /** Register a dataset (name unique in the project); its data comes with versions */
        post: operations["DatasetsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/datasets/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["DatasetsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/datasets/{name}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List versions, newest first */
        get: operations["DatasetVersionsController_list"];
        put?: never;
        /** Register a version. multipart/form-data (part `file`: a .tar or .tar.gz, part `spec`: {"description"}) uploads an archive, checked and unpacked; application/json {"uri": "pvc://<claim>/<path>" | "s3://<bucket>/<prefix>"} points at data elsewhere (an s3:// prefix is fetched now, checked like an archive, and kept as a tar snapshot) */
        post: operations["DatasetVersionsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/datasets/{name}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One version with its size, file count, digest and the job attempts that mounted it (usedBy) */
        get: operations["DatasetVersionsController_get"];
        put?: never;
        post?: never;
        /** Delete a version; 409 while any training job names it or has read it */
        delete: operations["DatasetVersionsController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/datasets/{name}/versions/{version}/archive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download the uploaded archive, or an s3:// version's snapshot, as stored (ETag and X-Content-SHA256: its sha256); 404 for pvc:// versions */
        get: operations["DatasetVersionsController_archive"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["EndpointsController_list"];
        put?: never;
        /** Create an endpoint serving a model version or alias (201; 200 when an Idempotency-Key replays) */
        post: operations["EndpointsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/endpoints/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["EndpointsController_get"];
        put?: never;
        post?: never;
        delete: operations["EndpointsController_remove"];
        options?: never;
        head?: never;
        /** Change version, replicas, resources, batching, env or rollout settings: a new revision. Or, alone, canary and shadow traffic */
        patch: operations["EndpointsController_update"];
        trace?: never;
    };
    "/v1/projects/{project}/endpoints/{name}/canary/promote": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Promote the running canary now: its template becomes the desired revision (a rolling update of the stable replicas) */
        post: operations["EndpointsController_promoteCanary"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/endpoints/{name}/canary/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Roll the running canary back now: stable answers every request, the canary revision is marked Failed */
        post: operations["EndpointsController_rollbackCanary"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/endpoints/{name}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["EndpointsController_events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/endpoints/{name}/infer": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** V2 infer on the endpoint's model, proxied to a ready replica (JSON or binary extension) */
        post: operations["EndpointsController_infer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/endpoints/{name}/revisions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["EndpointsController_revisions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/endpoints/{name}/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Re-apply a named revision, or the previous one that rolled out completely */
        post: operations["EndpointsController_rollback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/endpoints/{name}/scale": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["EndpointsController_scale"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/endpoints/{name}/traffic": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An endpoint's infer-proxy requests by status and latency histogram, cumulative, counted by the api instance that answers (not the cluster's total) */
        get: operations["EndpointTrafficController_traffic"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/endpoints/{name}/v2/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The V2 routes of the endpoint's replicas (server and model metadata, health, ready, infer), proxied; any other path is 404 */
        get: operations["EndpointsController_v2_get"];
        /** The V2 routes of the endpoint's replicas (server and model metadata, health, ready, infer), proxied; any other path is 404 */
        put: operations["EndpointsController_v2_put"];
        /** The V2 routes of the endpoint's replicas (server and model metadata, health, ready, infer), proxied; any other path is 404 */
        post: operations["EndpointsController_v2_post"];
        /** The V2 routes of the endpoint's replicas (server and model metadata, health, ready, infer), proxied; any other path is 404 */
        delete: operations["EndpointsController_v2_delete"];
        /** The V2 routes of the endpoint's replicas (server and model metadata, health, ready, infer), proxied; any other path is 404 */
        options: operations["EndpointsController_v2_options"];
        /** The V2 routes of the endpoint's replicas (server and model metadata, health, ready, infer), proxied; any other path is 404 */
        head: operations["EndpointsController_v2_head"];
        /** The V2 routes of the endpoint's replicas (server and model metadata, health, ready, infer), proxied; any other path is 404 */
        patch: operations["EndpointsController_v2_patch"];
        trace?: never;
    };
    "/v1/projects/{project}/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["GroupsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/groups/{group}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Give an OIDC group a role in this project (replaces the group's role) */
        put: operations["GroupsController_put"];
        post?: never;
        delete: operations["GroupsController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List or search models by name prefix and tags (all given tags), in name order */
        get: operations["ModelsController_list"];
        put?: never;
        /** Register a model (name unique in the project) */
        post: operations["ModelsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/models/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ModelsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Update description, tags or metadata */
        patch: operations["ModelsController_update"];
        trace?: never;
    };
    "/v1/projects/{project}/models/{name}/aliases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ModelsController_listAliases"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/models/{name}/aliases/{alias}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ModelsController_getAlias"];
        /** Point an alias at a Ready version (create or move); protected aliases need an ADMIN token */
        put: operations["ModelsController_setAlias"];
        post?: never;
        delete: operations["ModelsController_deleteAlias"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/models/{name}/aliases/{alias}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every change of an alias, oldest first; with ?at=<ISO time>, also the version it pointed to then */
        get: operations["ModelsController_aliasHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/models/{name}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List versions, newest first */
        get: operations["ModelVersionsController_list"];
        put?: never;
        /** Register a version. multipart/form-data (part `spec`: JSON as below, part `file`: the ONNX model) registers it Ready in one step; application/json creates it PendingUpload, to be completed with PUT .../artifact */
        post: operations["ModelVersionsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/models/{name}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One version with its signature, variables and lineage; {version} is a version number, 'latest' (newest Ready version) or '@<alias>' */
        get: operations["ModelVersionsController_get"];
        put?: never;
        post?: never;
        /** Delete a version; 409 while an alias or an inference endpoint uses it */
        delete: operations["ModelVersionsController_delete"];
        options?: never;
        head?: never;
        /** Update description, tags, metrics or variable metadata (checked against the signature) */
        patch: operations["ModelVersionsController_update"];
        trace?: never;
    };
    "/v1/projects/{project}/models/{name}/versions/{version}/artifact": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download the artifact: ETag is the sha256; If-None-Match and single byte ranges are honoured (HEAD too) */
        get: operations["ModelVersionsController_download"];
        /** Upload the ONNX artifact of a PendingUpload version as application/octet-stream (streamed, sha256-verified) */
        put: operations["ModelVersionsController_upload"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/queues": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectQueuesController_list"];
        put?: never;
        post: operations["ProjectQueuesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/queues/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectQueuesController_get"];
        put?: never;
        post?: never;
        /** Delete a queue: 409 while its jobs wait or run */
        delete: operations["ProjectQueuesController_delete"];
        options?: never;
        head?: never;
        /** Point the queue at another cluster queue; needs If-Match: 428 without, 412 when stale */
        patch: operations["ProjectQueuesController_update"];
        trace?: never;
    };
    "/v1/projects/{project}/queues/{name}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectQueuesController_history"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["ProjectTokensController_list"];
        put?: never;
        /** Make a token for this project (the secret is shown once) */
        post: operations["ProjectTokensController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a token (it stops working within a second) */
        delete: operations["ProjectTokensController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/tokens/{id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new secret now; the old one keeps working for graceSeconds */
        post: operations["ProjectTokensController_rotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/training-jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List training jobs, newest first, with cursor pagination */
        get: operations["TrainingController_list"];
        put?: never;
        /** Submit a training job (201; 200 when an Idempotency-Key replays an earlier submission) */
        post: operations["TrainingController_submit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/training-jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["TrainingController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/training-jobs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["TrainingController_cancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/training-jobs/{id}/checkpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The job's complete checkpoints, newest step first (the last BEAMLINE_CHECKPOINT_KEEP) */
        get: operations["CheckpointsController_list"];
        put?: never;
        /** Record a complete checkpoint (step-<n>, renamed into BEAMLINE_CHECKPOINT_DIR); the SDK's checkpoint.save calls this */
        post: operations["CheckpointsController_record"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/training-jobs/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["TrainingController_events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/training-jobs/{id}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Worker logs as text/plain, live while the cluster has them, else from the archive; follow=true streams until the worker ends */
        get: operations["TrainingController_logs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/projects/{project}/training-jobs/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a Failed or Cancelled job: a new attempt from its last complete checkpoint (BEAMLINE_RESUME_FROM) */
        post: operations["TrainingController_resume"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/prometheus/targets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus http_sd_configs targets: one group per endpoint with its ready local replicas */
        get: operations["PrometheusTargetsController_targets"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["PlatformTokensController_list"];
        put?: never;
        /** Make a platform admin token (the secret is shown once) */
        post: operations["PlatformTokensController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["PlatformTokensController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tokens/{id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["PlatformTokensController_rotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** GPU-seconds and CPU-seconds used in [from, to), grouped; admins see every project, others their own */
        get: operations["UsageController_report"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** Problem */
        Problem: {
            /** @description the error code, e.g. 'validation_failed', 'unsupported_media_type' */
            code: string;
            /** @description what went wrong and, where it can, how to fix it */
            detail: string;
            /** @description one entry per offending field */
            errors?: {
                field: string;
                message: string;
            }[];
            /** @description the request path */
            instance: string;
            /** @description quote it when reporting a 500 */
            requestId?: string;
            status: number;
            title: string;
            /** @description a URI naming the problem kind, https://beamline.dev/problems/<code> */
            type: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    HealthController_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    HealthController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuditController_list: {
        parameters: {
            query?: {
                /** @description exact ('endpoint.rollback') or a prefix ending in a dot ('endpoint.') */
                action?: string;
                /** @description token or user id, or its recorded name */
                actor?: string;
                cursor?: string;
                /** @description 1-200, default 50 */
                limit?: number;
                outcome?: "success" | "denied" | "failed";
                /** @description project name */
                project?: string;
                /** @description ISO time, inclusive */
                since?: string;
                /** @description ISO time, exclusive */
                until?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            action: string;
                            actorId: string | null;
                            actorName: string | null;
                            /** @enum {string} */
                            actorType: "token" | "user" | "job" | "system" | "anonymous";
                            /** Format: date-time */
                            at: string;
                            details: {
                                [key: string]: unknown;
                            };
                            id: string;
                            ip: string | null;
                            /** @enum {string} */
                            outcome: "success" | "denied" | "failed";
                            project: string | null;
                            projectId: string | null;
                            requestId: string | null;
                            resourceId: string | null;
                            resourceType: string;
                            status: number | null;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    AuthController_config: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        oidc: {
                            clientId: string | null;
                            consoleClientId: string | null;
                            issuer: string;
                            scopes: string;
                        } | null;
                    };
                };
            };
        };
    };
    WhoamiController_login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        kind: "token" | "user";
                        name: string;
                        platformAdmin: boolean;
                        projects: {
                            name: string;
                            /** @enum {string} */
                            role: "ADMIN" | "MEMBER" | "VIEWER";
                        }[];
                        scopes: ("read" | "write" | "infer")[];
                    };
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    WhoamiController_whoami: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        kind: "token" | "user";
                        name: string;
                        platformAdmin: boolean;
                        projects: {
                            name: string;
                            /** @enum {string} */
                            role: "ADMIN" | "MEMBER" | "VIEWER";
                        }[];
                        scopes: ("read" | "write" | "infer")[];
                    };
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClusterQueuesController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            cohort: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            name: string;
                            preemption: {
                                minRuntimeSeconds: number;
                                /** @enum {string} */
                                reclaimWithinCohort: "Any" | "LowerPriority" | "Never";
                                /** @enum {string} */
                                withinClusterQueue: "LowerPriority" | "Never";
                            };
                            quota: {
                                borrowingLimit?: number | string;
                                flavor?: string;
                                lendingLimit?: number | string;
                                nominal: number | string;
                                resource: ("nvidia.com/gpu" | "cpu" | "memory") | string;
                            }[];
                            status: {
                                admittedJobs: number;
                                pendingJobs: number;
                                usage: {
                                    borrowed: number | string;
                                    flavor?: string;
                                    nominal: number | string | null;
                                    resource: string;
                                    used: number | string;
                                }[];
                            };
                            /** @enum {string} */
                            strategy: "BestEffortFIFO" | "StrictFIFO";
                            /** Format: date-time */
                            updatedAt: string;
                            version: number;
                            weight: number;
                        }[];
                    };
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClusterQueuesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    cohort?: string | null;
                    name: string;
                    preemption?: {
                        minRuntimeSeconds?: number;
                        /** @enum {string} */
                        reclaimWithinCohort?: "Any" | "LowerPriority" | "Never";
                        /** @enum {string} */
                        withinClusterQueue?: "LowerPriority" | "Never";
                    };
                    quota?: {
                        borrowingLimit?: number | string;
                        flavor?: string;
                        lendingLimit?: number | string;
                        nominal: number | string;
                        resource: string;
                    }[];
                    /** @enum {string} */
                    strategy?: "BestEffortFIFO" | "StrictFIFO";
                    weight?: number;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        cohort: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        name: string;
                        preemption: {
                            minRuntimeSeconds: number;
                            /** @enum {string} */
                            reclaimWithinCohort: "Any" | "LowerPriority" | "Never";
                            /** @enum {string} */
                            withinClusterQueue: "LowerPriority" | "Never";
                        };
                        quota: {
                            borrowingLimit?: number | string;
                            flavor?: string;
                            lendingLimit?: number | string;
                            nominal: number | string;
                            resource: ("nvidia.com/gpu" | "cpu" | "memory") | string;
                        }[];
                        /** @enum {string} */
                        strategy: "BestEffortFIFO" | "StrictFIFO";
                        /** Format: date-time */
                        updatedAt: string;
                        version: number;
                        weight: number;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A cluster queue with this name exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClusterQueuesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ETag: the version, for If-Match */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        cohort: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        name: string;
                        preemption: {
                            minRuntimeSeconds: number;
                            /** @enum {string} */
                            reclaimWithinCohort: "Any" | "LowerPriority" | "Never";
                            /** @enum {string} */
                            withinClusterQueue: "LowerPriority" | "Never";
                        };
                        quota: {
                            borrowingLimit?: number | string;
                            flavor?: string;
                            lendingLimit?: number | string;
                            nominal: number | string;
                            resource: ("nvidia.com/gpu" | "cpu" | "memory") | string;
                        }[];
                        status: {
                            admittedJobs: number;
                            pendingJobs: number;
                            usage: {
                                borrowed: number | string;
                                flavor?: string;
                                nominal: number | string | null;
                                resource: string;
                                used: number | string;
                            }[];
                        };
                        /** @enum {string} */
                        strategy: "BestEffortFIFO" | "StrictFIFO";
                        /** Format: date-time */
                        updatedAt: string;
                        version: number;
                        weight: number;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClusterQueuesController_delete: {
        parameters: {
            query?: {
                drain?: "true" | "false";
            };
            header?: {
                "If-Match"?: string;
            };
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        cancelledJobs: number;
                        deleted: string;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Jobs use the queue and drain is not true */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match names a version the resource no longer has: read it again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The change needs If-Match with the version read (the ETag of GET) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClusterQueuesController_update: {
        parameters: {
            query?: never;
            header: {
                /** @description the ETag of the version read, e.g. "3" */
                "If-Match": string;
            };
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    cohort?: string | null;
                    preemption?: {
                        minRuntimeSeconds?: number;
                        /** @enum {string} */
                        reclaimWithinCohort?: "Any" | "LowerPriority" | "Never";
                        /** @enum {string} */
                        withinClusterQueue?: "LowerPriority" | "Never";
                    };
                    quota?: {
                        borrowingLimit?: number | string;
                        flavor?: string;
                        lendingLimit?: number | string;
                        nominal: number | string;
                        resource: string;
                    }[];
                    /** @enum {string} */
                    strategy?: "BestEffortFIFO" | "StrictFIFO";
                    weight?: number;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        cohort: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        name: string;
                        preemption: {
                            minRuntimeSeconds: number;
                            /** @enum {string} */
                            reclaimWithinCohort: "Any" | "LowerPriority" | "Never";
                            /** @enum {string} */
                            withinClusterQueue: "LowerPriority" | "Never";
                        };
                        quota: {
                            borrowingLimit?: number | string;
                            flavor?: string;
                            lendingLimit?: number | string;
                            nominal: number | string;
                            resource: ("nvidia.com/gpu" | "cpu" | "memory") | string;
                        }[];
                        /** @enum {string} */
                        strategy: "BestEffortFIFO" | "StrictFIFO";
                        /** Format: date-time */
                        updatedAt: string;
                        version: number;
                        weight: number;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match names a version the resource no longer has: read it again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The change needs If-Match with the version read (the ETag of GET) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClusterQueuesController_history: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** @enum {string} */
                            action: "create" | "update" | "delete";
                            actor: string | null;
                            /** Format: date-time */
                            at: string;
                            spec: {
                                [key: string]: unknown;
                            };
                            version: number;
                        }[];
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClusterViewController_allocation: {
        parameters: {
            query?: {
                /** @description RFC 3339 instant; default: 24 hours before `to` */
                from?: string;
                /** @description seconds per point (default: a round step giving at most 200 points); at most 500 points */
                step?: string;
                /** @description RFC 3339 instant; default: now */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        from: string;
                        series: {
                            flavor: string;
                            project: string | null;
                            values: number[];
                        }[];
                        stepSeconds: number;
                        times: string[];
                        /** Format: date-time */
                        to: string;
                        total: number[];
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ClusterViewController_nodes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        at: string;
                        items: {
                            cpuMilli: number;
                            gpus: {
                                holders: ({
                                    gpuMilli?: number;
                                    /** Format: uuid */
                                    id: string;
                                    /** @constant */
                                    kind: "job";
                                    migProfile?: string;
                                    name: string;
                                    project: string;
                                    worker: number;
                                } | {
                                    gpuMilli?: number;
                                    /** @constant */
                                    kind: "hidden";
                                    migProfile?: string;
                                } | {
                                    gpuMilli?: number;
                                    /** @constant */
                                    kind: "foreign";
                                    migProfile?: string;
                                    owner: string;
                                })[];
                                index: number;
                                memoryMiB: number;
                                mig?: {
                                    [key: string]: number;
                                };
                                migUsed?: {
                                    [key: string]: number;
                                };
                                product: string;
                                sharing?: {
                                    /** @enum {string} */
                                    mode: "none" | "time-slicing" | "mps";
                                    replicas: number;
                                };
                                usedMilli: number;
                            }[];
                            labels: {
                                [key: string]: string;
                            };
                            memoryMiB: number;
                            name: string;
                        }[];
                    };
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No controller has published the node list yet */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ProjectsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            createdAt: string;
                            description: string;
                            /** Format: uuid */
                            id: string;
                            name: string;
                        }[];
                    };
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ProjectsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default  */
                    description?: string;
                    name: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        description: string;
                        /** Format: uuid */
                        id: string;
                        name: string;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A project with this name exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DatasetsController_list: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
                namePrefix?: string;
            };
            header?: never;
            path: {
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            createdAt: string;
                            description: string;
                            /** Format: uuid */
                            id: string;
                            latestVersion: number;
                            name: string;
                            project: string;
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DatasetsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default  */
                    description?: string;
                    name: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        description: string;
                        /** Format: uuid */
                        id: string;
                        latestVersion: number;
                        name: string;
                        project: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A dataset with this name exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DatasetsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        description: string;
                        /** Format: uuid */
                        id: string;
                        latestVersion: number;
                        name: string;
                        project: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DatasetVersionsController_list: {
        parameters: {
            query?: {
                cursor?: number;
                limit?: number;
            };
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            archive: {
                                downloadUrl: string;
                                sha256: string;
                            } | null;
                            /** Format: date-time */
                            createdAt: string;
                            createdByToken: string | null;
                            dataset: string;
                            description: string;
                            digest: string | null;
                            digestNote: string | null;
                            fileCount: number | null;
                            /** Format: uuid */
                            id: string;
                            /** @enum {string} */
                            kind: "archive" | "pvc" | "s3";
                            project: string;
                            sizeBytes: number | null;
                            uri: string;
                            usedBy: {
                                attempts: number[];
                                trainingJob: {
                                    /** Format: uuid */
                                    id: string;
                                    name: string;
                                    /** @enum {string} */
                                    status: "Pending" | "Queued" | "Scheduled" | "Running" | "Succeeded" | "Failed" | "Cancelled";
                                };
                            }[];
                            version: number;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DatasetVersionsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default  */
                    description?: string;
                    uri: string;
                };
                "multipart/form-data": {
                    /** @default  */
                    description?: string;
                    uri: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        archive: {
                            downloadUrl: string;
                            sha256: string;
                        } | null;
                        /** Format: date-time */
                        createdAt: string;
                        createdByToken: string | null;
                        dataset: string;
                        description: string;
                        digest: string | null;
                        digestNote: string | null;
                        fileCount: number | null;
                        /** Format: uuid */
                        id: string;
                        /** @enum {string} */
                        kind: "archive" | "pvc" | "s3";
                        project: string;
                        sizeBytes: number | null;
                        uri: string;
                        usedBy: {
                            attempts: number[];
                            trainingJob: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                /** @enum {string} */
                                status: "Pending" | "Queued" | "Scheduled" | "Running" | "Succeeded" | "Failed" | "Cancelled";
                            };
                        }[];
                        version: number;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The archive, its files unpacked, or the objects under an s3:// prefix exceed BEAMLINE_DATASET_MAX_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DatasetVersionsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        archive: {
                            downloadUrl: string;
                            sha256: string;
                        } | null;
                        /** Format: date-time */
                        createdAt: string;
                        createdByToken: string | null;
                        dataset: string;
                        description: string;
                        digest: string | null;
                        digestNote: string | null;
                        fileCount: number | null;
                        /** Format: uuid */
                        id: string;
                        /** @enum {string} */
                        kind: "archive" | "pvc" | "s3";
                        project: string;
                        sizeBytes: number | null;
                        uri: string;
                        usedBy: {
                            attempts: number[];
                            trainingJob: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                /** @enum {string} */
                                status: "Pending" | "Queued" | "Scheduled" | "Running" | "Succeeded" | "Failed" | "Cancelled";
                            };
                        }[];
                        version: number;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DatasetVersionsController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A training job names or has read the version */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    DatasetVersionsController_archive: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The archive */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    EndpointsController_list: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            autoscaling: {
                                maxReplicas: number;
                                minReplicas: number;
                                scaleDownDelaySeconds: number;
                                targetInFlight: number;
                            } | null;
                            batching: {
                                enabled: boolean;
                                maxBatchSize: number;
                                maxQueueDelayMicros: number;
                            };
                            canary: {
                                analysis: {
                                    auto: boolean;
                                    maxErrorRateIncrease: number;
                                    maxLatencyRatio: number;
                                    minRequests: number;
                                    minSeconds: number;
                                };
                                modelVersion: number;
                                percent: number;
                                replicas: number;
                                revision: number;
                                /** Format: date-time */
                                startedAt: string;
                            } | null;
                            /** Format: date-time */
                            createdAt: string;
                            desiredRevision: number;
                            env: {
                                [key: string]: string;
                            };
                            follows: string | null;
                            goodRevision: number | null;
                            /** Format: uuid */
                            id: string;
                            inferUrl: string;
                            maxSurge: number;
                            memoryBudget?: string;
                            message: string;
                            model: string;
                            models?: {
                                model: string;
                                version: number;
                            }[];
                            modelVersion: number;
                            name: string;
                            observed: {
                                at?: string;
                                availableReplicas?: number;
                                canary?: {
                                    message?: string;
                                    readyReplicas: number;
                                    reason?: string;
                                    replicas: number;
                                    restarts: number;
                                    revision: number;
                                    rollout: string;
                                };
                                message?: string;
                                readyReplicas?: number;
                                reason?: string;
                                replicas?: number;
                                restarts?: number;
                                revision?: number;
                                rollout?: string;
                                shadow?: {
                                    message?: string;
                                    readyReplicas: number;
                                    reason?: string;
                                    replicas: number;
                                    restarts: number;
                                    revision: number;
                                    rollout: string;
                                };
                                updatedReplicas?: number;
                            };
                            /** @enum {string} */
                            phase: "Progressing" | "Complete" | "Failed" | "RolledBack" | "Deleting";
                            progressDeadlineSeconds: number;
                            project: string;
                            ready: boolean;
                            reason: string;
                            replicas: number;
                            resources: {
                                cpu: string | number;
                                gpu: {
                                    count: number;
                                    product?: string;
                                } | null;
                                memory: string | number;
                            };
                            runtime: {
                                /** @enum {string} */
                                executionProvider: "cpu" | "cuda" | "webgpu";
                            };
                            shadow: {
                                model: string;
                                modelVersion: number;
                                percent: number;
                                replicas: number;
                                revision: number;
                                /** Format: date-time */
                                startedAt: string;
                            } | null;
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    EndpointsController_create: {
        parameters: {
            query?: never;
            header?: {
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    autoscaling?: {
                        /** @default 4 */
                        maxReplicas?: number;
                        /** @default 1 */
                        minReplicas?: number;
                        /** @default 60 */
                        scaleDownDelaySeconds?: number;
                        /** @default 8 */
                        targetInFlight?: number;
                    } | null;
                    /**
                     * @default {
                     *       "enabled": true,
                     *       "maxBatchSize": 64,
                     *       "maxQueueDelayMicros": 0
                     *     }
                     */
                    batching?: {
                        /** @default true */
                        enabled?: boolean;
                        /** @default 64 */
                        maxBatchSize?: number;
                        /** @default 0 */
                        maxQueueDelayMicros?: number;
                    };
                    /** @default {} */
                    env?: {
                        [key: string]: string;
                    };
                    /** @default 1 */
                    maxSurge?: number;
                    memoryBudget?: string;
                    model?: string;
                    models?: {
                        model: string;
                        version: number | string;
                    }[];
                    name: string;
                    /** @default 600 */
                    progressDeadlineSeconds?: number;
                    /** @default 1 */
                    replicas?: number;
                    /**
                     * @default {
                     *       "cpu": "1",
                     *       "memory": "1Gi"
                     *     }
                     */
                    resources?: {
                        /** @default 1 */
                        cpu?: string | number;
                        gpu?: {
                            count: number;
                            product?: string;
                        } | null;
                        /** @default 1Gi */
                        memory?: string | number;
                    };
                    runtime?: {
                        /**
                         * @default cpu
                         * @enum {string}
                         */
                        executionProvider?: "cpu" | "cuda" | "webgpu";
                    };
                    version?: number | string;
                };
            };
        };
        responses: {
            /** @description An Idempotency-Key replay: the endpoint created the first time */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        autoscaling: {
                            maxReplicas: number;
                            minReplicas: number;
                            scaleDownDelaySeconds: number;
                            targetInFlight: number;
                        } | null;
                        batching: {
                            enabled: boolean;
                            maxBatchSize: number;
                            maxQueueDelayMicros: number;
                        };
                        canary: {
                            analysis: {
                                auto: boolean;
                                maxErrorRateIncrease: number;
                                maxLatencyRatio: number;
                                minRequests: number;
                                minSeconds: number;
                            };
                            modelVersion: number;
                            percent: number;
                            replicas: number;
                            revision: number;
                            /** Format: date-time */
                            startedAt: string;
                        } | null;
                        /** Format: date-time */
                        createdAt: string;
                        desiredRevision: number;
                        env: {
                            [key: string]: string;
                        };
                        follows: string | null;
                        goodRevision: number | null;
                        /** Format: uuid */
                        id: string;
                        inferUrl: string;
                        maxSurge: number;
                        memoryBudget?: string;
                        message: string;
                        model: string;
                        models?: {
                            model: string;
                            version: number;
                        }[];
                        modelVersion: number;
                        name: string;
                        observed: {
                            at?: string;
                            availableReplicas?: number;
                            canary?: {
                                message?: string;
                                readyReplicas: number;
                                reason?: string;
                                replicas: number;
                                restarts: number;
                                revision: number;
                                rollout: string;
                            };
                            message?: string;
                            readyReplicas?: number;
                            reason?: string;
                            replicas?: number;
                            restarts?: number;
                            revision?: number;
                            rollout?: string;
                            shadow?: {
                                message?: string;
                                readyReplicas: number;
                                reason?: string;
                                replicas: number;
                                restarts: number;
                                revision: number;
                                rollout: string;
                            };
                            updatedReplicas?: number;
                        };
                        /** @enum {string} */
                        phase: "Progressing" | "Complete" | "Failed" | "RolledBack" | "Deleting";
                        progressDeadlineSeconds: number;
                        project: string;
                        ready: boolean;
                        reason: string;
                        replicas: number;
                        resources: {
                            cpu: string | number;
                            gpu: {
                                count: number;
                                product?: string;
                            } | null;
                            memory: string | number;
                        };
                        runtime: {
                            /** @enum {string} */
                            executionProvider: "cpu" | "cuda" | "webgpu";
                        };
                        shadow: {
                            model: string;
                            modelVersion: number;
                            percent: number;
                            replicas: number;
                            revision: number;
                            /** Format: date-time */
                            startedAt: string;
                        } | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        autoscaling: {
                            maxReplicas: number;
                            minReplicas: number;
                            scaleDownDelaySeconds: number;
                            targetInFlight: number;
                        } | null;
                        batching: {
                            enabled: boolean;
                            maxBatchSize: number;
                            maxQueueDelayMicros: number;
                        };
                        canary: {
                            analysis: {
                                auto: boolean;
                                maxErrorRateIncrease: number;
                                maxLatencyRatio: number;
                                minRequests: number;
                                minSeconds: number;
                            };
                            modelVersion: number;
                            percent: number;
                            replicas: number;
                            revision: number;
                            /** Format: date-time */
                            startedAt: string;
                        } | null;
                        /** Format: date-time */
                        createdAt: string;
                        desiredRevision: number;
                        env: {
                            [key: string]: string;
                        };
                        follows: string | null;
                        goodRevision: number | null;
                        /** Format: uuid */
                        id: string;
                        inferUrl: string;
                        maxSurge: number;
                        memoryBudget?: string;
                        message: string;
                        model: string;
                        models?: {
                            model: string;
                            version: number;
                        }[];
                        modelVersion: number;
                        name: string;
                        observed: {
                            at?: string;
                            availableReplicas?: number;
                            canary?: {
                                message?: string;
                                readyReplicas: number;
                                reason?: string;
                                replicas: number;
                                restarts: number;
                                revision: number;
                                rollout: string;
                            };
                            message?: string;
                            readyReplicas?: number;
                            reason?: string;
                            replicas?: number;
                            restarts?: number;
                            revision?: number;
                            rollout?: string;
                            shadow?: {
                                message?: string;
                                readyReplicas: number;
                                reason?: string;
                                replicas: number;
                                restarts: number;
                                revision: number;
                                rollout: string;
                            };
                            updatedReplicas?: number;
                        };
                        /** @enum {string} */
                        phase: "Progressing" | "Complete" | "Failed" | "RolledBack" | "Deleting";
                        progressDeadlineSeconds: number;
                        project: string;
                        ready: boolean;
                        reason: string;
                        replicas: number;
                        resources: {
                            cpu: string | number;
                            gpu: {
                                count: number;
                                product?: string;
                            } | null;
                            memory: string | number;
                        };
                        runtime: {
                            /** @enum {string} */
                            executionProvider: "cpu" | "cuda" | "webgpu";
                        };
                        shadow: {
                            model: string;
                            modelVersion: number;
                            percent: number;
                            replicas: number;
                            revision: number;
                            /** Format: date-time */
                            startedAt: string;
                        } | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An endpoint with this name exists, or the Idempotency-Key was used for a different body */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    EndpointsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        autoscaling: {
                            maxReplicas: number;
                            minReplicas: number;
                            scaleDownDelaySeconds: number;
                            targetInFlight: number;
                        } | null;
                        batching: {
                            enabled: boolean;
                            maxBatchSize: number;
                            maxQueueDelayMicros: number;
                        };
                        canary: {
                            analysis: {
                                auto: boolean;
                                maxErrorRateIncrease: number;
                                maxLatencyRatio: number;
                                minRequests: number;
                                minSeconds: number;
                            };
                            modelVersion: number;
                            percent: number;
                            replicas: number;
                            revision: number;
                            /** Format: date-time */
                            startedAt: string;
                        } | null;
                        /** Format: date-time */
                        createdAt: string;
                        desiredRevision: number;
                        env: {
                            [key: string]: string;
                        };
                        follows: string | null;
                        goodRevision: number | null;
                        /** Format: uuid */
                        id: string;
                        inferUrl: string;
                        maxSurge: number;
                        memoryBudget?: string;
                        message: string;
                        model: string;
                        models?: {
                            model: string;
                            version: number;
                        }[];
                        modelVersion: number;
                        name: string;
                        observed: {
                            at?: string;
                            availableReplicas?: number;
                            canary?: {
                                message?: string;
                                readyReplicas: number;
                                reason?: string;
                                replicas: number;
                                restarts: number;
                                revision: number;
                                rollout: string;
                            };
                            message?: string;
                            readyReplicas?: number;
                            reason?: string;
                            replicas?: number;
                            restarts?: number;
                            revision?: number;
                            rollout?: string;
                            shadow?: {
                                message?: string;
                                readyReplicas: number;
                                reason?: string;
                                replicas: number;
                                restarts: number;
                                revision: number;
                                rollout: string;
                            };
                            updatedReplicas?: number;
                        };
                        /** @enum {string} */
                        phase: "Progressing" | "Complete" | "Failed" | "RolledBack" | "Deleting";
                        progressDeadlineSeconds: number;
                        project: string;
                        ready: boolean;
                        reason: string;
                        replicas: number;
                        resources: {
                            cpu: string | number;
                            gpu: {
                                count: number;
                                product?: string;
                            } | null;
                            memory: string | number;
                        };
                        runtime: {
                            /** @enum {string} */
                            executionProvider: "cpu" | "cuda" | "webgpu";
                        };
                        shadow: {
                            model: string;
                            modelVersion: number;
                            percent: number;
                            replicas: number;
                            revision: number;
                            /** Format: date-time */
                            startedAt: string;
                        } | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    EndpointsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deletion started: the endpoint, now Deleting */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        autoscaling: {
                            maxReplicas: number;
                            minReplicas: number;
                            scaleDownDelaySeconds: number;
                            targetInFlight: number;
                        } | null;
                        batching: {
                            enabled: boolean;
                            maxBatchSize: number;
                            maxQueueDelayMicros: number;
                        };
                        canary: {
                            analysis: {
                                auto: boolean;
                                maxErrorRateIncrease: number;
                                maxLatencyRatio: number;
                                minRequests: number;
                                minSeconds: number;
                            };
                            modelVersion: number;
                            percent: number;
                            replicas: number;
                            revision: number;
                            /** Format: date-time */
                            startedAt: string;
                        } | null;
                        /** Format: date-time */
                        createdAt: string;
                        desiredRevision: number;
                        env: {
                            [key: string]: string;
                        };
                        follows: string | null;
                        goodRevision: number | null;
                        /** Format: uuid */
                        id: string;
                        inferUrl: string;
                        maxSurge: number;
                        memoryBudget?: string;
                        message: string;
                        model: string;
                        models?: {
                            model: string;
                            version: number;
                        }[];
                        modelVersion: number;
                        name: string;
                        observed: {
                            at?: string;
                            availableReplicas?: number;
                            canary?: {
                                message?: string;
                                readyReplicas: number;
                                reason?: string;
                                replicas: number;
                                restarts: number;
                                revision: number;
                                rollout: string;
                            };
                            message?: string;
                            readyReplicas?: number;
                            reason?: string;
                            replicas?: number;
                            restarts?: number;
                            revision?: number;
                            rollout?: string;
                            shadow?: {
                                message?: string;
                                readyReplicas: number;
                                reason?: string;
                                replicas: number;
                                restarts: number;
                                revision: number;
                                rollout: string;
                            };
                            updatedReplicas?: number;
                        };
                        /** @enum {string} */
                        phase: "Progressing" | "Complete" | "Failed" | "RolledBack" | "Deleting";
                        progressDeadlineSeconds: number;
                        project: string;
                        ready: boolean;
                        reason: string;
                        replicas: number;
                        resources: {
                            cpu: string | number;
                            gpu: {
                                count: number;
                                product?: string;
                            } | null;
                            memory: string | number;
                        };
                        runtime: {
                            /** @enum {string} */
                            executionProvider: "cpu" | "cuda" | "webgpu";
                        };
                        shadow: {
                            model: string;
                            modelVersion: number;
                            percent: number;
                            replicas: number;
                            revision: number;
                            /** Format: date-time */
                            startedAt: string;
                        } | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    EndpointsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    autoscaling?: {
                        maxReplicas?: number;
                        minReplicas?: number;
                        scaleDownDelaySeconds?: number;
                        targetInFlight?: number;
                    } | null;
                    batching?: {
                        /** @default true */
                        enabled?: boolean;
                        /** @default 64 */
                        maxBatchSize?: number;
                        /** @default 0 */
                        maxQueueDelayMicros?: number;
                    };
                    canary?: {
                        analysis?: {
                            /** @default true */
                            auto?: boolean;
                            /** @default 0.01 */
                            maxErrorRateIncrease?: number;
                            /** @default 1.5 */
                            maxLatencyRatio?: number;
                            /** @default 100 */
                            minRequests?: number;
                            /** @default 60 */
                            minSeconds?: number;
                        };
                        percent: number;
                        replicas?: number;
                        revision?: number;
                        version?: number | string;
                    } | null;
                    env?: {
                        [key: string]: string;
                    };
                    maxSurge?: number;
                    memoryBudget?: string;
                    models?: {
                        model: string;
                        version: number | string;
                    }[];
                    progressDeadlineSeconds?: number;
                    replicas?: number;
                    resources?: {
                        /** @default 1 */
                        cpu?: string | number;
                        gpu?: {
                            count: number;
                            product?: string;
                        } | null;
                        /** @default 1Gi */
                        memory?: string | number;
                    };
                    runtime?: {
                        /**
                         * @default cpu
                         * @enum {string}
                         */
                        executionProvider?: "cpu" | "cuda" | "webgpu";
                    };
                    shadow?: {
                        model?: string;
                        percent: number;
                        /** @default 1 */
                        replicas?: number;
                        revision?: number;
                        version?: number | string;
                    } | null;
                    version?: number | string;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        autoscaling: {
                            maxReplicas: number;
                            minReplicas: number;
                            scaleDownDelaySeconds: number;
                            targetInFlight: number;
                        } | null;
                        batching: {
                            enabled: boolean;
                            maxBatchSize: number;
                            maxQueueDelayMicros: number;
                        };
                        canary: {
                            analysis: {
                                auto: boolean;
                                maxErrorRateIncrease: number;
                                maxLatencyRatio: number;
                                minRequests: number;
                                minSeconds: number;
                            };
                            modelVersion: number;
                            percent: number;
                            replicas: number;
                            revision: number;
                            /** Format: date-time */
                            startedAt: string;
                        } | null;
                        /** Format: date-time */
                        createdAt: string;
                        desiredRevision: number;
                        env: {
                            [key: string]: string;
                        };
                        follows: string | null;
                        goodRevision: number | null;
                        /** Format: uuid */
                        id: string;
                        inferUrl: string;
                        maxSurge: number;
                        memoryBudget?: string;
                        message: string;
                        model: string;
                        models?: {
                            model: string;
                            version: number;
                        }[];
                        modelVersion: number;
                        name: string;
                        observed: {
                            at?: string;
                            availableReplicas?: number;
                            canary?: {
                                message?: string;
                                readyReplicas: number;
                                reason?: string;
                                replicas: number;
                                restarts: number;
                                revision: number;
                                rollout: string;
                            };
                            message?: string;
                            readyReplicas?: number;
                            reason?: string;
                            replicas?: number;
                            restarts?: number;
                            revision?: number;
                            rollout?: string;
                            shadow?: {
                                message?: string;
                                readyReplicas: number;
                                reason?: string;
                                replicas: number;
                                restarts: number;
                                revision: number;
                                rollout: string;
                            };
                            updatedReplicas?: number;
                        };
                        /** @enum {string} */
                        phase: "Progressing" | "Complete" | "Failed" | "RolledBack" | "Deleting";
                        progressDeadlineSeconds: number;
                        project: string;
                        ready: boolean;
                        reason: string;
                        replicas: number;
                        resources: {
                            cpu: string | number;
                            gpu: {
                                count: number;
                                product?: string;
                            } | null;
                            memory: string | number;
                        };
                        runtime: {
                            /** @enum {string} */
                            executionProvider: "cpu" | "cuda" | "webgpu";
                        };
                        shadow: {
                            model: string;
                            modelVersion: number;
                            percent: number;
                            replicas: number;
                            revision: number;
                            /** Format: date-time */
                            startedAt: string;
                        } | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The endpoint is being deleted */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    EndpointsController_promoteCanary: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        autoscaling: {
                            maxReplicas: number;
                            minReplicas: number;
                            scaleDownDelaySeconds: number;
                            targetInFlight: number;
                        } | null;
                        batching: {
                            enabled: boolean;
                            maxBatchSize: number;
                            maxQueueDelayMicros: number;
                        };
                        canary: {
                            analysis: {
                                auto: boolean;
                                maxErrorRateIncrease: number;
                                maxLatencyRatio: number;
                                minRequests: number;
                                minSeconds: number;
                            };
                            modelVersion: number;
                            percent: number;
                            replicas: number;
                            revision: number;
                            /** Format: date-time */
                            startedAt: string;
                        } | null;
                        /** Format: date-time */
                        createdAt: string;
                        desiredRevision: number;
                        env: {
                            [key: string]: string;
                        };
                        follows: string | null;
                        goodRevision: number | null;
                        /** Format: uuid */
                        id: string;
                        inferUrl: string;
                        maxSurge: number;
                        memoryBudget?: string;
                        message: string;
                        model: string;
                        models?: {
                            model: string;
                            version: number;
                        }[];
                        modelVersion: number;
                        name: string;
                        observed: {
                            at?: string;
                            availableReplicas?: number;
                            canary?: {
                                message?: string;
                                readyReplicas: number;
                                reason?: string;
                                replicas: number;
                                restarts: number;
                                revision: number;
                                rollout: string;
                            };
                            message?: string;
                            readyReplicas?: number;
                            reason?: string;
                            replicas?: number;
                            restarts?: number;
                            revision?: number;
                            rollout?: string;
                            shadow?: {
                                message?: string;
                                readyReplicas: number;
                                reason?: string;
                                replicas: number;
                                restarts: number;
                                revision: number;
                                rollout: string;
                            };
                            updatedReplicas?: number;
                        };
                        /** @enum {string} */
                        phase: "Progressing" | "Complete" | "Failed" | "RolledBack" | "Deleting";
                        progressDeadlineSeconds: number;
                        project: string;
                        ready: boolean;
                        reason: string;
                        replicas: number;
                        resources: {
                            cpu: string | number;
                            gpu: {
                                count: number;
                                product?: string;
                            } | null;
                            memory: string | number;
                        };
                        runtime: {
                            /** @enum {string} */
                            executionProvider: "cpu" | "cuda" | "webgpu";
                        };
                        shadow: {
                            model: string;
                            modelVersion: number;
                            percent: number;
                            replicas: number;
                            revision: number;
                            /** Format: date-time */
                            startedAt: string;
                        } | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No canary is running, or the endpoint is being deleted */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    EndpointsController_rollbackCanary: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        autoscaling: {
                            maxReplicas: number;
                            minReplicas: number;
                            scaleDownDelaySeconds: number;
                            targetInFlight: number;
                        } | null;
                        batching: {
                            enabled: boolean;
                            maxBatchSize: number;
                            maxQueueDelayMicros: number;
                        };
                        canary: {
                            analysis: {
                                auto: boolean;
                                maxErrorRateIncrease: number;
                                maxLatencyRatio: number;
                                minRequests: number;
                                minSeconds: number;
                            };
                            modelVersion: number;
                            percent: number;
                            replicas: number;
                            revision: number;
                            /** Format: date-time */
                            startedAt: string;
                        } | null;
                        /** Format: date-time */
                        createdAt: string;
                        desiredRevision: number;
                        env: {
                            [key: string]: string;
                        };
                        follows: string | null;
                        goodRevision: number | null;
                        /** Format: uuid */
                        id: string;
                        inferUrl: string;
                        maxSurge: number;
                        memoryBudget?: string;
                        message: string;
                        model: string;
                        models?: {
                            model: string;
                            version: number;
                        }[];
                        modelVersion: number;
                        name: string;
                        observed: {
                            at?: string;
                            availableReplicas?: number;
                            canary?: {
                                message?: string;
                                readyReplicas: number;
                                reason?: string;
                                replicas: number;
                                restarts: number;
                                revision: number;
                                rollout: string;
                            };
                            message?: string;
                            readyReplicas?: number;
                            reason?: string;
                            replicas?: number;
                            restarts?: number;
                            revision?: number;
                            rollout?: string;
                            shadow?: {
                                message?: string;
                                readyReplicas: number;
                                reason?: string;
                                replicas: number;
                                restarts: number;
                                revision: number;
                                rollout: string;
                            };
                            updatedReplicas?: number;
                        };
                        /** @enum {string} */
                        phase: "Progressing" | "Complete" | "Failed" | "RolledBack" | "Deleting";
                        progressDeadlineSeconds: number;
                        project: string;
                        ready: boolean;
                        reason: string;
                        replicas: number;
                        resources: {
                            cpu: string | number;
                            gpu: {
                                count: number;
                                product?: string;
                            } | null;
                            memory: string | number;
                        };
                        runtime: {
                            /** @enum {string} */
                            executionProvider: "cpu" | "cuda" | "webgpu";
                        };
                        shadow: {
                            model: string;
                            modelVersion: number;
                            percent: number;
                            replicas: number;
                            revision: number;
                            /** Format: date-time */
                            startedAt: string;
                        } | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No canary is running, or the endpoint is being deleted */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    EndpointsController_events: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            createdAt: string;
                            id: string;
                            message: string;
                            reason: string;
                            revision: number | null;
                            /** @enum {string} */
                            type: "Normal" | "Warning";
                        }[];
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    EndpointsController_infer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A rate limit is spent; Retry-After says when to retry */
            429: {
                headers: {
                    /** @description seconds until a retry can succeed */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No replica is ready */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    EndpointsController_revisions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            autoscaling: {
                                maxReplicas: number;
                                minReplicas: number;
                                scaleDownDelaySeconds: number;
                                targetInFlight: number;
                            } | null;
                            batching: {
                                enabled: boolean;
                                maxBatchSize: number;
                                maxQueueDelayMicros: number;
                            };
                            /** @enum {string} */
                            cause: "Created" | "Updated" | "Scaled" | "AliasMoved" | "Rollback" | "AutomaticRollback" | "Canary" | "CanaryPromoted" | "Shadow";
                            /** Format: date-time */
                            createdAt: string;
                            env: {
                                [key: string]: string;
                            };
                            finishedAt: string | null;
                            memoryBudget?: string;
                            message: string;
                            models?: {
                                model: string;
                                version: number;
                            }[];
                            modelVersion: number;
                            replicas: number;
                            resources: {
                                cpu: string | number;
                                gpu: {
                                    count: number;
                                    product?: string;
                                } | null;
                                memory: string | number;
                            };
                            revision: number;
                            runtime: {
                                /** @enum {string} */
                                executionProvider: "cpu" | "cuda" | "webgpu";
                            };
                            sourceRevision: number | null;
                            /** @enum {string} */
                            status: "Pending" | "Progressing" | "Complete" | "Failed" | "Superseded";
                        }[];
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    EndpointsController_rollback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    revision?: number;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        autoscaling: {
                            maxReplicas: number;
                            minReplicas: number;
                            scaleDownDelaySeconds: number;
                            targetInFlight: number;
                        } | null;
                        batching: {
                            enabled: boolean;
                            maxBatchSize: number;
                            maxQueueDelayMicros: number;
                        };
                        canary: {
                            analysis: {
                                auto: boolean;
                                maxErrorRateIncrease: number;
                                maxLatencyRatio: number;
                                minRequests: number;
                                minSeconds: number;
                            };
                            modelVersion: number;
                            percent: number;
                            replicas: number;
                            revision: number;
                            /** Format: date-time */
                            startedAt: string;
                        } | null;
                        /** Format: date-time */
                        createdAt: string;
                        desiredRevision: number;
                        env: {
                            [key: string]: string;
                        };
                        follows: string | null;
                        goodRevision: number | null;
                        /** Format: uuid */
                        id: string;
                        inferUrl: string;
                        maxSurge: number;
                        memoryBudget?: string;
                        message: string;
                        model: string;
                        models?: {
                            model: string;
                            version: number;
                        }[];
                        modelVersion: number;
                        name: string;
                        observed: {
                            at?: string;
                            availableReplicas?: number;
                            canary?: {
                                message?: string;
                                readyReplicas: number;
                                reason?: string;
                                replicas: number;
                                restarts: number;
                                revision: number;
                                rollout: string;
                            };
                            message?: string;
                            readyReplicas?: number;
                            reason?: string;
                            replicas?: number;
                            restarts?: number;
                            revision?: number;
                            rollout?: string;
                            shadow?: {
                                message?: string;
                                readyReplicas: number;
                                reason?: string;
                                replicas: number;
                                restarts: number;
                                revision: number;
                                rollout: string;
                            };
                            updatedReplicas?: number;
                        };
                        /** @enum {string} */
                        phase: "Progressing" | "Complete" | "Failed" | "RolledBack" | "Deleting";
                        progressDeadlineSeconds: number;
                        project: string;
                        ready: boolean;
                        reason: string;
                        replicas: number;
                        resources: {
                            cpu: string | number;
                            gpu: {
                                count: number;
                                product?: string;
                            } | null;
                            memory: string | number;
                        };
                        runtime: {
                            /** @enum {string} */
                            executionProvider: "cpu" | "cuda" | "webgpu";
                        };
                        shadow: {
                            model: string;
                            modelVersion: number;
                            percent: number;
                            replicas: number;
                            revision: number;
                            /** Format: date-time */
                            startedAt: string;
                        } | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No earlier revision rolled out completely */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    EndpointsController_scale: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    replicas: number;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        autoscaling: {
                            maxReplicas: number;
                            minReplicas: number;
                            scaleDownDelaySeconds: number;
                            targetInFlight: number;
                        } | null;
                        batching: {
                            enabled: boolean;
                            maxBatchSize: number;
                            maxQueueDelayMicros: number;
                        };
                        canary: {
                            analysis: {
                                auto: boolean;
                                maxErrorRateIncrease: number;
                                maxLatencyRatio: number;
                                minRequests: number;
                                minSeconds: number;
                            };
                            modelVersion: number;
                            percent: number;
                            replicas: number;
                            revision: number;
                            /** Format: date-time */
                            startedAt: string;
                        } | null;
                        /** Format: date-time */
                        createdAt: string;
                        desiredRevision: number;
                        env: {
                            [key: string]: string;
                        };
                        follows: string | null;
                        goodRevision: number | null;
                        /** Format: uuid */
                        id: string;
                        inferUrl: string;
                        maxSurge: number;
                        memoryBudget?: string;
                        message: string;
                        model: string;
                        models?: {
                            model: string;
                            version: number;
                        }[];
                        modelVersion: number;
                        name: string;
                        observed: {
                            at?: string;
                            availableReplicas?: number;
                            canary?: {
                                message?: string;
                                readyReplicas: number;
                                reason?: string;
                                replicas: number;
                                restarts: number;
                                revision: number;
                                rollout: string;
                            };
                            message?: string;
                            readyReplicas?: number;
                            reason?: string;
                            replicas?: number;
                            restarts?: number;
                            revision?: number;
                            rollout?: string;
                            shadow?: {
                                message?: string;
                                readyReplicas: number;
                                reason?: string;
                                replicas: number;
                                restarts: number;
                                revision: number;
                                rollout: string;
                            };
                            updatedReplicas?: number;
                        };
                        /** @enum {string} */
                        phase: "Progressing" | "Complete" | "Failed" | "RolledBack" | "Deleting";
                        progressDeadlineSeconds: number;
                        project: string;
                        ready: boolean;
                        reason: string;
                        replicas: number;
                        resources: {
                            cpu: string | number;
                            gpu: {
                                count: number;
                                product?: string;
                            } | null;
                            memory: string | number;
                        };
                        runtime: {
                            /** @enum {string} */
                            executionProvider: "cpu" | "cuda" | "webgpu";
                        };
                        shadow: {
                            model: string;
                            modelVersion: number;
                            percent: number;
                            replicas: number;
                            revision: number;
                            /** Format: date-time */
                            startedAt: string;
                        } | null;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The endpoint is being deleted */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    EndpointTrafficController_traffic: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        latency: {
                            buckets: {
                                count: number;
                                le: number | "+Inf";
                            }[];
                            count: number;
                            sumSeconds: number;
                        };
                        requests: {
                            [key: string]: number;
                        };
                        /** @constant */
                        scope: "this api instance";
                        /** Format: date-time */
                        since: string;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    EndpointsController_v2_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the rest of the V2 path, e.g. `models/<model>/infer` or `health/ready` */
                path: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A rate limit is spent; Retry-After says when to retry */
            429: {
                headers: {
                    /** @description seconds until a retry can succeed */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No replica is ready */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    EndpointsController_v2_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the rest of the V2 path, e.g. `models/<model>/infer` or `health/ready` */
                path: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A rate limit is spent; Retry-After says when to retry */
            429: {
                headers: {
                    /** @description seconds until a retry can succeed */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No replica is ready */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    EndpointsController_v2_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the rest of the V2 path, e.g. `models/<model>/infer` or `health/ready` */
                path: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A rate limit is spent; Retry-After says when to retry */
            429: {
                headers: {
                    /** @description seconds until a retry can succeed */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No replica is ready */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    EndpointsController_v2_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the rest of the V2 path, e.g. `models/<model>/infer` or `health/ready` */
                path: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A rate limit is spent; Retry-After says when to retry */
            429: {
                headers: {
                    /** @description seconds until a retry can succeed */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No replica is ready */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    EndpointsController_v2_options: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the rest of the V2 path, e.g. `models/<model>/infer` or `health/ready` */
                path: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A rate limit is spent; Retry-After says when to retry */
            429: {
                headers: {
                    /** @description seconds until a retry can succeed */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No replica is ready */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    EndpointsController_v2_head: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the rest of the V2 path, e.g. `models/<model>/infer` or `health/ready` */
                path: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A rate limit is spent; Retry-After says when to retry */
            429: {
                headers: {
                    /** @description seconds until a retry can succeed */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No replica is ready */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    EndpointsController_v2_patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the rest of the V2 path, e.g. `models/<model>/infer` or `health/ready` */
                path: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A rate limit is spent; Retry-After says when to retry */
            429: {
                headers: {
                    /** @description seconds until a retry can succeed */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No replica is ready */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GroupsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            createdAt: string;
                            group: string;
                            /** @enum {string} */
                            role: "ADMIN" | "MEMBER" | "VIEWER";
                        }[];
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GroupsController_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                group: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    role: "ADMIN" | "MEMBER" | "VIEWER";
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        group: string;
                        /** @enum {string} */
                        role: "ADMIN" | "MEMBER" | "VIEWER";
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    GroupsController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                group: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ModelsController_list: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
                namePrefix?: string;
                /** @description comma-separated; a model must carry every one */
                tag?: string;
            };
            header?: never;
            path: {
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            createdAt: string;
                            description: string;
                            /** Format: uuid */
                            id: string;
                            latestVersion: number;
                            metadata: {
                                [key: string]: string | number | boolean;
                            };
                            name: string;
                            project: string;
                            tags: string[];
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ModelsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default  */
                    description?: string;
                    /** @default {} */
                    metadata?: {
                        [key: string]: string | number | boolean;
                    };
                    name: string;
                    tags?: string[];
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        description: string;
                        /** Format: uuid */
                        id: string;
                        latestVersion: number;
                        metadata: {
                            [key: string]: string | number | boolean;
                        };
                        name: string;
                        project: string;
                        tags: string[];
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A model with this name exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ModelsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        aliases: {
                            [key: string]: number;
                        };
                        /** Format: date-time */
                        createdAt: string;
                        description: string;
                        /** Format: uuid */
                        id: string;
                        latestVersion: number;
                        metadata: {
                            [key: string]: string | number | boolean;
                        };
                        name: string;
                        project: string;
                        tags: string[];
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ModelsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description?: string;
                    metadata?: {
                        [key: string]: string | number | boolean;
                    };
                    tags?: string[];
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        description: string;
                        /** Format: uuid */
                        id: string;
                        latestVersion: number;
                        metadata: {
                            [key: string]: string | number | boolean;
                        };
                        name: string;
                        project: string;
                        tags: string[];
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ModelsController_listAliases: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            alias: string;
                            model: string;
                            protected: boolean;
                            /** Format: date-time */
                            updatedAt: string;
                            version: number;
                        }[];
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ModelsController_getAlias: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                alias: string;
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        alias: string;
                        model: string;
                        protected: boolean;
                        /** Format: date-time */
                        updatedAt: string;
                        version: number;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ModelsController_setAlias: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                alias: string;
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    protected?: boolean;
                    version: number;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        alias: string;
                        model: string;
                        protected: boolean;
                        /** Format: date-time */
                        updatedAt: string;
                        version: number;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The version has no artifact yet */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ModelsController_deleteAlias: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                alias: string;
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ModelsController_aliasHistory: {
        parameters: {
            query?: {
                at?: string;
            };
            header?: never;
            path: {
                alias: string;
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        at?: string;
                        items: {
                            alias: string;
                            /** Format: date-time */
                            at: string;
                            byToken: string | null;
                            fromVersion: number | null;
                            id: string;
                            protected: boolean;
                            toVersion: number | null;
                        }[];
                        version?: number | null;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ModelVersionsController_list: {
        parameters: {
            query?: {
                cursor?: number;
                limit?: number;
                status?: "PendingUpload" | "Ready";
                /** @description comma-separated; a version must carry every one */
                tag?: string;
            };
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            aliases: string[];
                            artifact: {
                                downloadUrl: string;
                                sha256: string;
                                size: number;
                            } | null;
                            claimedSha256: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            createdByToken: string | null;
                            datasets: {
                                attempts: number[];
                                dataset: string;
                                digest: string | null;
                                uri: string;
                                version: number;
                            }[];
                            description: string;
                            format: string;
                            /** Format: uuid */
                            id: string;
                            metrics: {
                                [key: string]: number;
                            };
                            model: string;
                            project: string;
                            signature: {
                                inputs: {
                                    elementType: string | null;
                                    name: string;
                                    shape: (number | string)[] | null;
                                }[];
                                outputs: {
                                    elementType: string | null;
                                    name: string;
                                    shape: (number | string)[] | null;
                                }[];
                            } | null;
                            /** @enum {string} */
                            status: "PendingUpload" | "Ready";
                            tags: string[];
                            trainingJob: {
                                attempt: number | null;
                                checkpoint: {
                                    name: string;
                                    step: number;
                                } | null;
                                /** Format: uuid */
                                id: string;
                                name: string;
                                /** @enum {string} */
                                status: "Pending" | "Queued" | "Scheduled" | "Running" | "Succeeded" | "Failed" | "Cancelled";
                            } | null;
                            /** Format: date-time */
                            updatedAt: string;
                            uploadUrl: string | null;
                            variables: {
                                /** @default {} */
                                inputs: {
                                    [key: string]: {
                                        /** @default false */
                                        constant: boolean;
                                        default?: number | number[];
                                        description?: string;
                                        range?: [
                                            number,
                                            number
                                        ];
                                        unit?: string;
                                    };
                                };
                                /** @default {} */
                                outputs: {
                                    [key: string]: {
                                        /** @default false */
                                        constant: boolean;
                                        default?: number | number[];
                                        description?: string;
                                        range?: [
                                            number,
                                            number
                                        ];
                                        unit?: string;
                                    };
                                };
                            };
                            version: number;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ModelVersionsController_create: {
        parameters: {
            query?: never;
            header?: {
                /** @description the sha256 the file must have */
                "X-Content-SHA256"?: string;
            };
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default  */
                    description?: string;
                    /** @default {} */
                    metrics?: {
                        [key: string]: number;
                    };
                    sha256?: string;
                    tags?: string[];
                    /** Format: uuid */
                    trainingJobId?: string;
                    variables?: {
                        /** @default {} */
                        inputs?: {
                            [key: string]: {
                                /** @default false */
                                constant?: boolean;
                                default?: number | number[];
                                description?: string;
                                range?: [
                                    number,
                                    number
                                ];
                                unit?: string;
                            };
                        };
                        /** @default {} */
                        outputs?: {
                            [key: string]: {
                                /** @default false */
                                constant?: boolean;
                                default?: number | number[];
                                description?: string;
                                range?: [
                                    number,
                                    number
                                ];
                                unit?: string;
                            };
                        };
                    };
                };
                "multipart/form-data": {
                    /** @default  */
                    description?: string;
                    /** @default {} */
                    metrics?: {
                        [key: string]: number;
                    };
                    sha256?: string;
                    tags?: string[];
                    /** Format: uuid */
                    trainingJobId?: string;
                    variables?: {
                        /** @default {} */
                        inputs?: {
                            [key: string]: {
                                /** @default false */
                                constant?: boolean;
                                default?: number | number[];
                                description?: string;
                                range?: [
                                    number,
                                    number
                                ];
                                unit?: string;
                            };
                        };
                        /** @default {} */
                        outputs?: {
                            [key: string]: {
                                /** @default false */
                                constant?: boolean;
                                default?: number | number[];
                                description?: string;
                                range?: [
                                    number,
                                    number
                                ];
                                unit?: string;
                            };
                        };
                    };
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        aliases: string[];
                        artifact: {
                            downloadUrl: string;
                            sha256: string;
                            size: number;
                        } | null;
                        claimedSha256: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        createdByToken: string | null;
                        datasets: {
                            attempts: number[];
                            dataset: string;
                            digest: string | null;
                            uri: string;
                            version: number;
                        }[];
                        description: string;
                        format: string;
                        /** Format: uuid */
                        id: string;
                        metrics: {
                            [key: string]: number;
                        };
                        model: string;
                        project: string;
                        signature: {
                            inputs: {
                                elementType: string | null;
                                name: string;
                                shape: (number | string)[] | null;
                            }[];
                            outputs: {
                                elementType: string | null;
                                name: string;
                                shape: (number | string)[] | null;
                            }[];
                        } | null;
                        /** @enum {string} */
                        status: "PendingUpload" | "Ready";
                        tags: string[];
                        trainingJob: {
                            attempt: number | null;
                            checkpoint: {
                                name: string;
                                step: number;
                            } | null;
                            /** Format: uuid */
                            id: string;
                            name: string;
                            /** @enum {string} */
                            status: "Pending" | "Queued" | "Scheduled" | "Running" | "Succeeded" | "Failed" | "Cancelled";
                        } | null;
                        /** Format: date-time */
                        updatedAt: string;
                        uploadUrl: string | null;
                        variables: {
                            /** @default {} */
                            inputs: {
                                [key: string]: {
                                    /** @default false */
                                    constant: boolean;
                                    default?: number | number[];
                                    description?: string;
                                    range?: [
                                        number,
                                        number
                                    ];
                                    unit?: string;
                                };
                            };
                            /** @default {} */
                            outputs: {
                                [key: string]: {
                                    /** @default false */
                                    constant: boolean;
                                    default?: number | number[];
                                    description?: string;
                                    range?: [
                                        number,
                                        number
                                    ];
                                    unit?: string;
                                };
                            };
                        };
                        version: number;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The file is not a loadable ONNX model, or the variables do not fit its signature */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ModelVersionsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        aliases: string[];
                        artifact: {
                            downloadUrl: string;
                            sha256: string;
                            size: number;
                        } | null;
                        claimedSha256: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        createdByToken: string | null;
                        datasets: {
                            attempts: number[];
                            dataset: string;
                            digest: string | null;
                            uri: string;
                            version: number;
                        }[];
                        description: string;
                        format: string;
                        /** Format: uuid */
                        id: string;
                        metrics: {
                            [key: string]: number;
                        };
                        model: string;
                        project: string;
                        signature: {
                            inputs: {
                                elementType: string | null;
                                name: string;
                                shape: (number | string)[] | null;
                            }[];
                            outputs: {
                                elementType: string | null;
                                name: string;
                                shape: (number | string)[] | null;
                            }[];
                        } | null;
                        /** @enum {string} */
                        status: "PendingUpload" | "Ready";
                        tags: string[];
                        trainingJob: {
                            attempt: number | null;
                            checkpoint: {
                                name: string;
                                step: number;
                            } | null;
                            /** Format: uuid */
                            id: string;
                            name: string;
                            /** @enum {string} */
                            status: "Pending" | "Queued" | "Scheduled" | "Running" | "Succeeded" | "Failed" | "Cancelled";
                        } | null;
                        /** Format: date-time */
                        updatedAt: string;
                        uploadUrl: string | null;
                        variables: {
                            /** @default {} */
                            inputs: {
                                [key: string]: {
                                    /** @default false */
                                    constant: boolean;
                                    default?: number | number[];
                                    description?: string;
                                    range?: [
                                        number,
                                        number
                                    ];
                                    unit?: string;
                                };
                            };
                            /** @default {} */
                            outputs: {
                                [key: string]: {
                                    /** @default false */
                                    constant: boolean;
                                    default?: number | number[];
                                    description?: string;
                                    range?: [
                                        number,
                                        number
                                    ];
                                    unit?: string;
                                };
                            };
                        };
                        version: number;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ModelVersionsController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An alias or an endpoint uses the version */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ModelVersionsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description?: string;
                    metrics?: {
                        [key: string]: number;
                    };
                    tags?: string[];
                    variables?: {
                        /** @default {} */
                        inputs?: {
                            [key: string]: {
                                /** @default false */
                                constant?: boolean;
                                default?: number | number[];
                                description?: string;
                                range?: [
                                    number,
                                    number
                                ];
                                unit?: string;
                            };
                        };
                        /** @default {} */
                        outputs?: {
                            [key: string]: {
                                /** @default false */
                                constant?: boolean;
                                default?: number | number[];
                                description?: string;
                                range?: [
                                    number,
                                    number
                                ];
                                unit?: string;
                            };
                        };
                    };
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        aliases: string[];
                        artifact: {
                            downloadUrl: string;
                            sha256: string;
                            size: number;
                        } | null;
                        claimedSha256: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        createdByToken: string | null;
                        datasets: {
                            attempts: number[];
                            dataset: string;
                            digest: string | null;
                            uri: string;
                            version: number;
                        }[];
                        description: string;
                        format: string;
                        /** Format: uuid */
                        id: string;
                        metrics: {
                            [key: string]: number;
                        };
                        model: string;
                        project: string;
                        signature: {
                            inputs: {
                                elementType: string | null;
                                name: string;
                                shape: (number | string)[] | null;
                            }[];
                            outputs: {
                                elementType: string | null;
                                name: string;
                                shape: (number | string)[] | null;
                            }[];
                        } | null;
                        /** @enum {string} */
                        status: "PendingUpload" | "Ready";
                        tags: string[];
                        trainingJob: {
                            attempt: number | null;
                            checkpoint: {
                                name: string;
                                step: number;
                            } | null;
                            /** Format: uuid */
                            id: string;
                            name: string;
                            /** @enum {string} */
                            status: "Pending" | "Queued" | "Scheduled" | "Running" | "Succeeded" | "Failed" | "Cancelled";
                        } | null;
                        /** Format: date-time */
                        updatedAt: string;
                        uploadUrl: string | null;
                        variables: {
                            /** @default {} */
                            inputs: {
                                [key: string]: {
                                    /** @default false */
                                    constant: boolean;
                                    default?: number | number[];
                                    description?: string;
                                    range?: [
                                        number,
                                        number
                                    ];
                                    unit?: string;
                                };
                            };
                            /** @default {} */
                            outputs: {
                                [key: string]: {
                                    /** @default false */
                                    constant: boolean;
                                    default?: number | number[];
                                    description?: string;
                                    range?: [
                                        number,
                                        number
                                    ];
                                    unit?: string;
                                };
                            };
                        };
                        version: number;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The variable metadata does not fit the model signature */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ModelVersionsController_download: {
        parameters: {
            query?: never;
            header?: {
                "If-None-Match"?: string;
                Range?: string;
            };
            path: {
                name: string;
                /** @description the project name */
                project: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The whole artifact */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description The requested byte range */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description If-None-Match names the artifact: not sent again */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The range is outside the artifact's bytes */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ModelVersionsController_upload: {
        parameters: {
            query?: never;
            header?: {
                /** @description the sha256 the file must have */
                "X-Content-SHA256"?: string;
            };
            path: {
                name: string;
                /** @description the project name */
                project: string;
                version: string;
            };
            cookie?: never;
        };
        /** @description the ONNX file */
        requestBody: {
            content: {
                "application/octet-stream": string;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        aliases: string[];
                        artifact: {
                            downloadUrl: string;
                            sha256: string;
                            size: number;
                        } | null;
                        claimedSha256: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        createdByToken: string | null;
                        datasets: {
                            attempts: number[];
                            dataset: string;
                            digest: string | null;
                            uri: string;
                            version: number;
                        }[];
                        description: string;
                        format: string;
                        /** Format: uuid */
                        id: string;
                        metrics: {
                            [key: string]: number;
                        };
                        model: string;
                        project: string;
                        signature: {
                            inputs: {
                                elementType: string | null;
                                name: string;
                                shape: (number | string)[] | null;
                            }[];
                            outputs: {
                                elementType: string | null;
                                name: string;
                                shape: (number | string)[] | null;
                            }[];
                        } | null;
                        /** @enum {string} */
                        status: "PendingUpload" | "Ready";
                        tags: string[];
                        trainingJob: {
                            attempt: number | null;
                            checkpoint: {
                                name: string;
                                step: number;
                            } | null;
                            /** Format: uuid */
                            id: string;
                            name: string;
                            /** @enum {string} */
                            status: "Pending" | "Queued" | "Scheduled" | "Running" | "Succeeded" | "Failed" | "Cancelled";
                        } | null;
                        /** Format: date-time */
                        updatedAt: string;
                        uploadUrl: string | null;
                        variables: {
                            /** @default {} */
                            inputs: {
                                [key: string]: {
                                    /** @default false */
                                    constant: boolean;
                                    default?: number | number[];
                                    description?: string;
                                    range?: [
                                        number,
                                        number
                                    ];
                                    unit?: string;
                                };
                            };
                            /** @default {} */
                            outputs: {
                                [key: string]: {
                                    /** @default false */
                                    constant: boolean;
                                    default?: number | number[];
                                    description?: string;
                                    range?: [
                                        number,
                                        number
                                    ];
                                    unit?: string;
                                };
                            };
                        };
                        version: number;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The version already has its artifact */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The file is not a loadable ONNX model */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ProjectQueuesController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            clusterQueue: string;
                            /** Format: date-time */
                            createdAt: string;
                            name: string;
                            project: string;
                            /** Format: date-time */
                            updatedAt: string;
                            version: number;
                        }[];
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ProjectQueuesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    clusterQueue: string;
                    name: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        clusterQueue: string;
                        /** Format: date-time */
                        createdAt: string;
                        name: string;
                        project: string;
                        /** Format: date-time */
                        updatedAt: string;
                        version: number;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A queue with this name exists in the project */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ProjectQueuesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ETag: the version, for If-Match */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        clusterQueue: string;
                        /** Format: date-time */
                        createdAt: string;
                        name: string;
                        project: string;
                        /** Format: date-time */
                        updatedAt: string;
                        version: number;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ProjectQueuesController_delete: {
        parameters: {
            query?: never;
            header?: {
                "If-Match"?: string;
            };
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Jobs of the queue wait or run */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match names a version the resource no longer has: read it again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The change needs If-Match with the version read (the ETag of GET) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ProjectQueuesController_update: {
        parameters: {
            query?: never;
            header: {
                /** @description the ETag of the version read, e.g. "1" */
                "If-Match": string;
            };
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    clusterQueue: string;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        clusterQueue: string;
                        /** Format: date-time */
                        createdAt: string;
                        name: string;
                        project: string;
                        /** Format: date-time */
                        updatedAt: string;
                        version: number;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match names a version the resource no longer has: read it again */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The change needs If-Match with the version read (the ETag of GET) */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ProjectQueuesController_history: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** @enum {string} */
                            action: "create" | "update" | "delete";
                            actor: string | null;
                            /** Format: date-time */
                            at: string;
                            spec: {
                                [key: string]: unknown;
                            };
                            version: number;
                        }[];
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ProjectTokensController_list: {
        parameters: {
            query?: {
                includeRevoked?: "true" | "false";
            };
            header?: never;
            path: {
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            createdAt: string;
                            createdBy: string | null;
                            expiresAt: string | null;
                            /** Format: uuid */
                            id: string;
                            lastUsedAt: string | null;
                            name: string;
                            prefix: string;
                            project: string | null;
                            revokedAt: string | null;
                            /** @enum {string} */
                            role: "ADMIN" | "MEMBER" | "VIEWER" | "PLATFORM_ADMIN";
                            scopes: string[];
                        }[];
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ProjectTokensController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    expiresInSeconds?: number;
                    name: string;
                    /**
                     * @default MEMBER
                     * @enum {string}
                     */
                    role?: "ADMIN" | "MEMBER" | "VIEWER";
                    scopes?: ("read" | "write" | "infer")[];
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        expiresAt: string | null;
                        /** Format: uuid */
                        id: string;
                        name: string;
                        project: string | null;
                        /** @enum {string} */
                        role: "ADMIN" | "MEMBER" | "VIEWER" | "PLATFORM_ADMIN";
                        scopes: ("read" | "write" | "infer")[];
                        token: string;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ProjectTokensController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        createdBy: string | null;
                        expiresAt: string | null;
                        /** Format: uuid */
                        id: string;
                        lastUsedAt: string | null;
                        name: string;
                        prefix: string;
                        project: string | null;
                        revokedAt: string | null;
                        /** @enum {string} */
                        role: "ADMIN" | "MEMBER" | "VIEWER" | "PLATFORM_ADMIN";
                        scopes: string[];
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ProjectTokensController_rotate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default 3600 */
                    graceSeconds?: number;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        expiresAt: string | null;
                        /** Format: uuid */
                        id: string;
                        name: string;
                        project: string | null;
                        replaces: {
                            /** Format: date-time */
                            expiresAt: string;
                            /** Format: uuid */
                            id: string;
                        };
                        /** @enum {string} */
                        role: "ADMIN" | "MEMBER" | "VIEWER" | "PLATFORM_ADMIN";
                        scopes: ("read" | "write" | "infer")[];
                        token: string;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    TrainingController_list: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
                namePrefix?: string;
                queue?: string;
                /** @description comma-separated statuses */
                status?: string;
                /** @description the principal that submitted the job (exact) */
                submittedBy?: string;
            };
            header?: never;
            path: {
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            args: string[];
                            attempt: number;
                            command: string[];
                            containerRestarts: number;
                            /** Format: date-time */
                            createdAt: string;
                            env: {
                                [key: string]: string;
                            };
                            excludedNodes: string[];
                            finishedAt: string | null;
                            /** Format: uuid */
                            id: string;
                            image: string;
                            maxRetries: number;
                            name: string;
                            notBefore: string | null;
                            outputModel: string | null;
                            pendingReason: string | null;
                            placement: {
                                gpuIndexes: number[];
                                gpuMilli?: number;
                                migProfile?: string;
                                node: string;
                                product?: string;
                                sharedResource?: string;
                            }[] | null;
                            policy: string | null;
                            preemptedBy: string | null;
                            priority: number;
                            project: string;
                            queue: string;
                            resources: {
                                cpuMilli: number;
                                gpu?: {
                                    count?: number;
                                    migProfile?: string;
                                    milli?: number;
                                    minMemoryMiB?: number;
                                    products?: string[];
                                };
                                memoryMiB: number;
                                topology?: {
                                    /** @enum {string} */
                                    mode: "required" | "preferred";
                                    /** @enum {string} */
                                    scope: "node" | "nvlink" | "rack";
                                };
                            };
                            restarts: number;
                            scheduledAt: string | null;
                            startedAt: string | null;
                            startTimeoutSeconds: number;
                            /** @enum {string} */
                            status: "Pending" | "Queued" | "Scheduled" | "Running" | "Succeeded" | "Failed" | "Cancelled";
                            statusReason: string;
                            submittedBy: string | null;
                            timeoutSeconds: number | null;
                            unschedulable: boolean;
                            unschedulableSince: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                            volumes: {
                                claim?: string;
                                dataset?: {
                                    archiveSha256?: string;
                                    claim?: string;
                                    fetchImage?: string;
                                    name: string;
                                    path?: string;
                                    version: number;
                                    /** Format: uuid */
                                    versionId: string;
                                };
                                mountPath: string;
                                name: string;
                                newClaim?: {
                                    /** @enum {string} */
                                    accessMode: "ReadWriteOnce" | "ReadWriteMany" | "ReadWriteOncePod";
                                    claimName: string;
                                    retain: boolean;
                                    sizeMiB: number;
                                    storageClass?: string;
                                };
                                readOnly: boolean;
                                scratch?: {
                                    /** @enum {string} */
                                    medium: "Disk" | "Memory";
                                    sizeLimitMiB?: number;
                                };
                            }[];
                            workers: number;
                            workingDir: string | null;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    TrainingController_submit: {
        parameters: {
            query?: never;
            header?: {
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default [] */
                    args?: string[];
                    /** @default [] */
                    command?: string[];
                    /** @default {} */
                    env?: {
                        [key: string]: string;
                    };
                    image: string;
                    /** @default 0 */
                    maxRetries?: number;
                    name: string;
                    outputModel?: string;
                    /** @default 0 */
                    priority?: number;
                    /** @default default */
                    queue?: string;
                    resources: {
                        cpu: string | number;
                        gpu?: {
                            count?: number;
                            fraction?: number;
                            migProfile?: string;
                            minMemoryMiB?: number;
                            product?: string | string[];
                        };
                        memory: string | number;
                    };
                    /** @default 600 */
                    startTimeoutSeconds?: number;
                    timeoutSeconds?: number;
                    topology?: {
                        /**
                         * @default required
                         * @enum {string}
                         */
                        mode?: "required" | "preferred";
                        /** @enum {string} */
                        scope: "node" | "nvlink" | "rack";
                    };
                    volumes?: {
                        claim?: string;
                        dataset?: {
                            name: string;
                            version: number;
                        };
                        mountPath: string;
                        name: string;
                        newClaim?: {
                            /** @enum {string} */
                            accessMode?: "ReadWriteOnce" | "ReadWriteMany" | "ReadWriteOncePod";
                            /** @default false */
                            retain?: boolean;
                            size: string;
                            storageClass?: string;
                        };
                        readOnly?: boolean;
                        scratch?: {
                            /**
                             * @default Disk
                             * @enum {string}
                             */
                            medium?: "Disk" | "Memory";
                            sizeLimit?: string;
                        };
                    }[];
                    /** @default 1 */
                    workers?: number;
                    workingDir?: string;
                };
            };
        };
        responses: {
            /** @description An Idempotency-Key replay: the job created the first time */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        args: string[];
                        attempt: number;
                        command: string[];
                        containerRestarts: number;
                        /** Format: date-time */
                        createdAt: string;
                        env: {
                            [key: string]: string;
                        };
                        excludedNodes: string[];
                        finishedAt: string | null;
                        /** Format: uuid */
                        id: string;
                        image: string;
                        maxRetries: number;
                        name: string;
                        notBefore: string | null;
                        outputModel: string | null;
                        pendingReason: string | null;
                        placement: {
                            gpuIndexes: number[];
                            gpuMilli?: number;
                            migProfile?: string;
                            node: string;
                            product?: string;
                            sharedResource?: string;
                        }[] | null;
                        policy: string | null;
                        preemptedBy: string | null;
                        priority: number;
                        project: string;
                        queue: string;
                        resources: {
                            cpuMilli: number;
                            gpu?: {
                                count?: number;
                                migProfile?: string;
                                milli?: number;
                                minMemoryMiB?: number;
                                products?: string[];
                            };
                            memoryMiB: number;
                            topology?: {
                                /** @enum {string} */
                                mode: "required" | "preferred";
                                /** @enum {string} */
                                scope: "node" | "nvlink" | "rack";
                            };
                        };
                        restarts: number;
                        scheduledAt: string | null;
                        startedAt: string | null;
                        startTimeoutSeconds: number;
                        /** @enum {string} */
                        status: "Pending" | "Queued" | "Scheduled" | "Running" | "Succeeded" | "Failed" | "Cancelled";
                        statusReason: string;
                        submittedBy: string | null;
                        timeoutSeconds: number | null;
                        unschedulable: boolean;
                        unschedulableSince: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                        volumes: {
                            claim?: string;
                            dataset?: {
                                archiveSha256?: string;
                                claim?: string;
                                fetchImage?: string;
                                name: string;
                                path?: string;
                                version: number;
                                /** Format: uuid */
                                versionId: string;
                            };
                            mountPath: string;
                            name: string;
                            newClaim?: {
                                /** @enum {string} */
                                accessMode: "ReadWriteOnce" | "ReadWriteMany" | "ReadWriteOncePod";
                                claimName: string;
                                retain: boolean;
                                sizeMiB: number;
                                storageClass?: string;
                            };
                            readOnly: boolean;
                            scratch?: {
                                /** @enum {string} */
                                medium: "Disk" | "Memory";
                                sizeLimitMiB?: number;
                            };
                        }[];
                        workers: number;
                        workingDir: string | null;
                    };
                };
            };
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        args: string[];
                        attempt: number;
                        command: string[];
                        containerRestarts: number;
                        /** Format: date-time */
                        createdAt: string;
                        env: {
                            [key: string]: string;
                        };
                        excludedNodes: string[];
                        finishedAt: string | null;
                        /** Format: uuid */
                        id: string;
                        image: string;
                        maxRetries: number;
                        name: string;
                        notBefore: string | null;
                        outputModel: string | null;
                        pendingReason: string | null;
                        placement: {
                            gpuIndexes: number[];
                            gpuMilli?: number;
                            migProfile?: string;
                            node: string;
                            product?: string;
                            sharedResource?: string;
                        }[] | null;
                        policy: string | null;
                        preemptedBy: string | null;
                        priority: number;
                        project: string;
                        queue: string;
                        resources: {
                            cpuMilli: number;
                            gpu?: {
                                count?: number;
                                migProfile?: string;
                                milli?: number;
                                minMemoryMiB?: number;
                                products?: string[];
                            };
                            memoryMiB: number;
                            topology?: {
                                /** @enum {string} */
                                mode: "required" | "preferred";
                                /** @enum {string} */
                                scope: "node" | "nvlink" | "rack";
                            };
                        };
                        restarts: number;
                        scheduledAt: string | null;
                        startedAt: string | null;
                        startTimeoutSeconds: number;
                        /** @enum {string} */
                        status: "Pending" | "Queued" | "Scheduled" | "Running" | "Succeeded" | "Failed" | "Cancelled";
                        statusReason: string;
                        submittedBy: string | null;
                        timeoutSeconds: number | null;
                        unschedulable: boolean;
                        unschedulableSince: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                        volumes: {
                            claim?: string;
                            dataset?: {
                                archiveSha256?: string;
                                claim?: string;
                                fetchImage?: string;
                                name: string;
                                path?: string;
                                version: number;
                                /** Format: uuid */
                                versionId: string;
                            };
                            mountPath: string;
                            name: string;
                            newClaim?: {
                                /** @enum {string} */
                                accessMode: "ReadWriteOnce" | "ReadWriteMany" | "ReadWriteOncePod";
                                claimName: string;
                                retain: boolean;
                                sizeMiB: number;
                                storageClass?: string;
                            };
                            readOnly: boolean;
                            scratch?: {
                                /** @enum {string} */
                                medium: "Disk" | "Memory";
                                sizeLimitMiB?: number;
                            };
                        }[];
                        workers: number;
                        workingDir: string | null;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was used for a different body */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A rate limit is spent; Retry-After says when to retry */
            429: {
                headers: {
                    /** @description seconds until a retry can succeed */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    TrainingController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        args: string[];
                        attempt: number;
                        command: string[];
                        containerRestarts: number;
                        /** Format: date-time */
                        createdAt: string;
                        datasets: {
                            attempts: number[];
                            dataset: string;
                            digest: string | null;
                            uri: string;
                            version: number;
                            volume: string;
                        }[];
                        env: {
                            [key: string]: string;
                        };
                        estimatedStartAt: string | null;
                        excludedNodes: string[];
                        finishedAt: string | null;
                        /** Format: uuid */
                        id: string;
                        image: string;
                        maxRetries: number;
                        modelVersions: {
                            model: string;
                            sha256: string | null;
                            /** @enum {string} */
                            status: "PendingUpload" | "Ready";
                            version: number;
                        }[];
                        name: string;
                        notBefore: string | null;
                        outputModel: string | null;
                        pendingReason: string | null;
                        placement: {
                            gpuIndexes: number[];
                            gpuMilli?: number;
                            migProfile?: string;
                            node: string;
                            product?: string;
                            sharedResource?: string;
                        }[] | null;
                        policy: string | null;
                        preemptedBy: string | null;
                        priority: number;
                        project: string;
                        queue: string;
                        queuePosition: number | null;
                        resources: {
                            cpuMilli: number;
                            gpu?: {
                                count?: number;
                                migProfile?: string;
                                milli?: number;
                                minMemoryMiB?: number;
                                products?: string[];
                            };
                            memoryMiB: number;
                            topology?: {
                                /** @enum {string} */
                                mode: "required" | "preferred";
                                /** @enum {string} */
                                scope: "node" | "nvlink" | "rack";
                            };
                        };
                        restarts: number;
                        scheduledAt: string | null;
                        startedAt: string | null;
                        startTimeoutSeconds: number;
                        /** @enum {string} */
                        status: "Pending" | "Queued" | "Scheduled" | "Running" | "Succeeded" | "Failed" | "Cancelled";
                        statusReason: string;
                        submittedBy: string | null;
                        timeoutSeconds: number | null;
                        unschedulable: boolean;
                        unschedulableSince: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                        volumes: {
                            claim?: string;
                            dataset?: {
                                archiveSha256?: string;
                                claim?: string;
                                fetchImage?: string;
                                name: string;
                                path?: string;
                                version: number;
                                /** Format: uuid */
                                versionId: string;
                            };
                            mountPath: string;
                            name: string;
                            newClaim?: {
                                /** @enum {string} */
                                accessMode: "ReadWriteOnce" | "ReadWriteMany" | "ReadWriteOncePod";
                                claimName: string;
                                retain: boolean;
                                sizeMiB: number;
                                storageClass?: string;
                            };
                            readOnly: boolean;
                            scratch?: {
                                /** @enum {string} */
                                medium: "Disk" | "Memory";
                                sizeLimitMiB?: number;
                            };
                        }[];
                        workers: number;
                        workingDir: string | null;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    TrainingController_cancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        args: string[];
                        attempt: number;
                        command: string[];
                        containerRestarts: number;
                        /** Format: date-time */
                        createdAt: string;
                        env: {
                            [key: string]: string;
                        };
                        excludedNodes: string[];
                        finishedAt: string | null;
                        /** Format: uuid */
                        id: string;
                        image: string;
                        maxRetries: number;
                        name: string;
                        notBefore: string | null;
                        outputModel: string | null;
                        pendingReason: string | null;
                        placement: {
                            gpuIndexes: number[];
                            gpuMilli?: number;
                            migProfile?: string;
                            node: string;
                            product?: string;
                            sharedResource?: string;
                        }[] | null;
                        policy: string | null;
                        preemptedBy: string | null;
                        priority: number;
                        project: string;
                        queue: string;
                        resources: {
                            cpuMilli: number;
                            gpu?: {
                                count?: number;
                                migProfile?: string;
                                milli?: number;
                                minMemoryMiB?: number;
                                products?: string[];
                            };
                            memoryMiB: number;
                            topology?: {
                                /** @enum {string} */
                                mode: "required" | "preferred";
                                /** @enum {string} */
                                scope: "node" | "nvlink" | "rack";
                            };
                        };
                        restarts: number;
                        scheduledAt: string | null;
                        startedAt: string | null;
                        startTimeoutSeconds: number;
                        /** @enum {string} */
                        status: "Pending" | "Queued" | "Scheduled" | "Running" | "Succeeded" | "Failed" | "Cancelled";
                        statusReason: string;
                        submittedBy: string | null;
                        timeoutSeconds: number | null;
                        unschedulable: boolean;
                        unschedulableSince: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                        volumes: {
                            claim?: string;
                            dataset?: {
                                archiveSha256?: string;
                                claim?: string;
                                fetchImage?: string;
                                name: string;
                                path?: string;
                                version: number;
                                /** Format: uuid */
                                versionId: string;
                            };
                            mountPath: string;
                            name: string;
                            newClaim?: {
                                /** @enum {string} */
                                accessMode: "ReadWriteOnce" | "ReadWriteMany" | "ReadWriteOncePod";
                                claimName: string;
                                retain: boolean;
                                sizeMiB: number;
                                storageClass?: string;
                            };
                            readOnly: boolean;
                            scratch?: {
                                /** @enum {string} */
                                medium: "Disk" | "Memory";
                                sizeLimitMiB?: number;
                            };
                        }[];
                        workers: number;
                        workingDir: string | null;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The job already ended, or changed concurrently */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CheckpointsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            at: string;
                            attempt: number;
                            name: string;
                            sizeBytes: number;
                            step: number;
                        }[];
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    CheckpointsController_record: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    attempt?: number;
                    name?: string;
                    sizeBytes: number;
                    step: number;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        attempt: number;
                        name: string;
                        sizeBytes: number;
                        step: number;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The job is not Scheduled or Running */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    TrainingController_events: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            at: string;
                            from: ("Pending" | "Queued" | "Scheduled" | "Running" | "Succeeded" | "Failed" | "Cancelled") | null;
                            id: string;
                            message: string;
                            reason: string;
                            /** @enum {string} */
                            to: "Pending" | "Queued" | "Scheduled" | "Running" | "Succeeded" | "Failed" | "Cancelled";
                        }[];
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    TrainingController_logs: {
        parameters: {
            query?: {
                attempt?: number;
                follow?: "0" | "1" | "true" | "false";
                worker?: number;
            };
            header?: never;
            path: {
                id: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The worker's output */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The job has not been scheduled yet */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No cluster driver is configured */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    TrainingController_resume: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                /** @description the project name */
                project: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        args: string[];
                        attempt: number;
                        command: string[];
                        containerRestarts: number;
                        /** Format: date-time */
                        createdAt: string;
                        env: {
                            [key: string]: string;
                        };
                        excludedNodes: string[];
                        finishedAt: string | null;
                        /** Format: uuid */
                        id: string;
                        image: string;
                        maxRetries: number;
                        name: string;
                        notBefore: string | null;
                        outputModel: string | null;
                        pendingReason: string | null;
                        placement: {
                            gpuIndexes: number[];
                            gpuMilli?: number;
                            migProfile?: string;
                            node: string;
                            product?: string;
                            sharedResource?: string;
                        }[] | null;
                        policy: string | null;
                        preemptedBy: string | null;
                        priority: number;
                        project: string;
                        queue: string;
                        resources: {
                            cpuMilli: number;
                            gpu?: {
                                count?: number;
                                migProfile?: string;
                                milli?: number;
                                minMemoryMiB?: number;
                                products?: string[];
                            };
                            memoryMiB: number;
                            topology?: {
                                /** @enum {string} */
                                mode: "required" | "preferred";
                                /** @enum {string} */
                                scope: "node" | "nvlink" | "rack";
                            };
                        };
                        restarts: number;
                        scheduledAt: string | null;
                        startedAt: string | null;
                        startTimeoutSeconds: number;
                        /** @enum {string} */
                        status: "Pending" | "Queued" | "Scheduled" | "Running" | "Succeeded" | "Failed" | "Cancelled";
                        statusReason: string;
                        submittedBy: string | null;
                        timeoutSeconds: number | null;
                        unschedulable: boolean;
                        unschedulableSince: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                        volumes: {
                            claim?: string;
                            dataset?: {
                                archiveSha256?: string;
                                claim?: string;
                                fetchImage?: string;
                                name: string;
                                path?: string;
                                version: number;
                                /** Format: uuid */
                                versionId: string;
                            };
                            mountPath: string;
                            name: string;
                            newClaim?: {
                                /** @enum {string} */
                                accessMode: "ReadWriteOnce" | "ReadWriteMany" | "ReadWriteOncePod";
                                claimName: string;
                                retain: boolean;
                                sizeMiB: number;
                                storageClass?: string;
                            };
                            readOnly: boolean;
                            scratch?: {
                                /** @enum {string} */
                                medium: "Disk" | "Memory";
                                sizeLimitMiB?: number;
                            };
                        }[];
                        workers: number;
                        workingDir: string | null;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The job is not Failed or Cancelled */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PrometheusTargetsController_targets: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PlatformTokensController_list: {
        parameters: {
            query?: {
                includeRevoked?: "true" | "false";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            /** Format: date-time */
                            createdAt: string;
                            createdBy: string | null;
                            expiresAt: string | null;
                            /** Format: uuid */
                            id: string;
                            lastUsedAt: string | null;
                            name: string;
                            prefix: string;
                            project: string | null;
                            revokedAt: string | null;
                            /** @enum {string} */
                            role: "ADMIN" | "MEMBER" | "VIEWER" | "PLATFORM_ADMIN";
                            scopes: string[];
                        }[];
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PlatformTokensController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    expiresInSeconds?: number;
                    name: string;
                    scopes?: ("read" | "write" | "infer")[];
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        expiresAt: string | null;
                        /** Format: uuid */
                        id: string;
                        name: string;
                        project: string | null;
                        /** @enum {string} */
                        role: "ADMIN" | "MEMBER" | "VIEWER" | "PLATFORM_ADMIN";
                        scopes: ("read" | "write" | "infer")[];
                        token: string;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PlatformTokensController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        createdBy: string | null;
                        expiresAt: string | null;
                        /** Format: uuid */
                        id: string;
                        lastUsedAt: string | null;
                        name: string;
                        prefix: string;
                        project: string | null;
                        revokedAt: string | null;
                        /** @enum {string} */
                        role: "ADMIN" | "MEMBER" | "VIEWER" | "PLATFORM_ADMIN";
                        scopes: string[];
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    PlatformTokensController_rotate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default 3600 */
                    graceSeconds?: number;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        expiresAt: string | null;
                        /** Format: uuid */
                        id: string;
                        name: string;
                        project: string | null;
                        replaces: {
                            /** Format: date-time */
                            expiresAt: string;
                            /** Format: uuid */
                            id: string;
                        };
                        /** @enum {string} */
                        role: "ADMIN" | "MEMBER" | "VIEWER" | "PLATFORM_ADMIN";
                        scopes: ("read" | "write" | "infer")[];
                        token: string;
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A resource named in the path does not exist (or is not visible to the caller) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body exceeds BEAMLINE_BODY_LIMIT */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Content-Type is not one the operation accepts */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    UsageController_report: {
        parameters: {
            query?: {
                /** @description RFC 3339 instant; default: 7 days before `to` */
                from?: string;
                /** @description comma-separated: project, queue, user, flavor (default project) */
                groupBy?: string;
                /** @description only this project */
                project?: string;
                /** @description RFC 3339 instant; default: now */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        from: string;
                        groupBy: ("project" | "queue" | "user" | "flavor")[];
                        items: {
                            attempts: number;
                            cpuSeconds: number;
                            flavor?: string;
                            gpuHours: number;
                            gpuSeconds: number;
                            project?: string;
                            queue?: string;
                            user?: string;
                        }[];
                        /** Format: date-time */
                        to: string;
                        total: {
                            cpuSeconds: number;
                            gpuHours: number;
                            gpuSeconds: number;
                        };
                    };
                };
            };
            /** @description The body, query, a path parameter or a header is invalid; `errors` names each field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No credential, or an unknown, expired or revoked one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential's role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The project named by `project` does not exist */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
