/**
 * Workflow endpoints: the .js/.ts files under WORKFLOW_DIR, each turning a friendly request into a
 * ComfyUI graph, run in GraalJS (interpreted; no Node at run time).
 *
 * <p>The server does this through {@link org.comfyapi.server.workflow.WorkflowHost} (App: prepare while
 * ComfyUI boots, load once it answers, watch MODEL_DIR; HttpApi: routes and docs). The steps:
 * <ol>
 *   <li>At start, on a background thread while ComfyUI boots (it takes seconds):
 *       {@code WorkflowRegistry.prepare(dir, limits)} (transpile, warm the engine), then once ComfyUI is up
 *       {@code prepared.load(WorkflowEnvironment.of(dirs, port, models, samplers, schedulers, warmup))}. The model lists, samplers and schedulers come from ComfyUI; files that fail are
 *       logged and listed in {@link org.comfyapi.server.workflow.WorkflowRegistry#skipped()}.</li>
 *   <li>Docs: one OpenAPI operation per {@link org.comfyapi.server.workflow.WorkflowRegistry#endpoints()},
 *       under both {@code /workflow/<route>} and {@code /workflows/<route>}; summary, {@code markdownDescription()}
 *       (when MARKDOWN_SCHEMA_DESCRIPTIONS), and {@code inputJsonSchema()} as the {@code input} property.</li>
 *   <li>Per request: {@code registry.find(route)} (404 if empty), then {@code endpoint.generate(body.get("input"))};
 *       its {@code prompt()} goes down the /prompt path and its {@code input()} is echoed in the response.
 *       {@link org.comfyapi.server.workflow.WorkflowInputException} and
 *       {@link org.comfyapi.server.workflow.WorkflowGenerationException} are {@code BadInput} errors already.</li>
 *   <li>When models change (a file appears in MODEL_DIR): {@code registry.refresh(environment.withModels(...))}.</li>
 *   <li>At shutdown: {@code registry.close()}.</li>
 * </ol>
 */
package org.comfyapi.server.workflow;
