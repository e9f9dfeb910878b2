// Evaluated once in every workflow Context. A tiny CommonJS loader for the workflow files plus
// the calls Java makes: describe(file) at load time and generate(file, input, done) per request.
//
// setup: JSON {workflowDir, files: [absolute paths], environment: {...}, processEnv: {...}}
// compile(kind, name): returns function(exports, require, module, __filename, __dirname);
//   kind "file" for a workflow file, "builtin" for "zod" and "zod-to-json-schema".
(function (setupJson, compile) {
  "use strict";
  const setup = JSON.parse(setupJson);
  // Files written for Node may read process.env (e.g. for a default); nothing else of process exists.
  if (typeof globalThis.process === "undefined") {
    globalThis.process = { env: Object.freeze(setup.processEnv || {}) };
  }
  const files = new Set(setup.files);
  const BUILTINS = new Set(["zod", "zod-to-json-schema"]);
  const CONFIG = "builtin:config";
  const cache = new Map();
  const imported = new Set();
  const NOT_A_WORKFLOW = "does not export a workflow: expected a default export (or module.exports) "
      + "with RequestSchema (a zod schema) and generateWorkflow (a function)";

  function normalize(path) {
    const out = [];
    for (const part of path.split("/")) {
      if (part === "" || part === ".") continue;
      if (part === "..") out.pop();
      else out.push(part);
    }
    return "/" + out.join("/");
  }

  function dirname(path) {
    const i = path.lastIndexOf("/");
    return i <= 0 ? "/" : path.slice(0, i);
  }

  function resolve(spec, from) {
    if (BUILTINS.has(spec)) return "builtin:" + spec;
    if (spec.startsWith("./") || spec.startsWith("../") || spec.startsWith("/")) {
      const base = spec.startsWith("/") ? normalize(spec) : normalize(dirname(from) + "/" + spec);
      for (const candidate of [base, base + ".ts", base + ".js", base + "/index.ts", base + "/index.js"]) {
        if (files.has(candidate)) return candidate;
      }
      // "../config", "../../config": the server's config, from a file at any depth.
      if (/(^|\/)config(\.[jt]s)?$/.test(spec)) return CONFIG;
    }
    throw new Error("Cannot find module '" + spec + "' from " + from +
        " (workflow files can import zod, ../config and other workflow files)");
  }

  function load(id) {
    const cached = cache.get(id);
    if (cached) return cached.exports;
    const module = { id: id, exports: {}, loaded: false };
    cache.set(id, module);
    try {
      if (id === CONFIG) {
        module.exports = buildConfig(setup.environment);
      } else if (id.startsWith("builtin:")) {
        compile("builtin", id.slice(8)).call(module.exports, module.exports, requireFrom(id), module, id, "/");
      } else {
        compile("file", id).call(module.exports, module.exports, requireFrom(id), module, id, dirname(id));
      }
    } catch (e) {
      cache.delete(id);
      throw e;
    }
    module.loaded = true;
    return module.exports;
  }

  function requireFrom(from) {
    return function require(spec) {
      const id = resolve(String(spec), from);
      if (files.has(id)) imported.add(id);
      return load(id);
    };
  }

  function enumOf(z, values) {
    // z.enum needs at least one value: an empty list still accepts a string.
    return values.length > 0 ? z.enum(values) : z.string();
  }

  function buildConfig(env) {
    const z = load("builtin:zod").z;
    const folder = (name, files) => ({
      enum: enumOf(z, files),
      all: files.slice(),
      dir: name in env.modelDirs ? env.modelDirs[name]
          : typeof env.dirs.modelDir === "string" ? env.dirs.modelDir + "/" + name : undefined,
    });
    const models = {};
    for (const name of Object.keys(env.models)) models[name] = folder(name, env.models[name]);
    const config = Object.assign({}, env.dirs, {
      port: env.port,
      wrapperPort: env.port,
      // A folder that does not exist (yet) reads as empty rather than failing the file's load.
      models: new Proxy(models, {
        get: (target, name) => typeof name !== "string" || name in target ? target[name] : folder(name, []),
      }),
      samplers: enumOf(z, env.samplers),
      schedulers: enumOf(z, env.schedulers),
      warmupCkpt: env.warmupCkpt === null ? undefined : env.warmupCkpt,
    });
    return config;
  }

  function workflowIn(exported) {
    for (const candidate of [exported && exported.default, exported]) {
      if (candidate && candidate.RequestSchema && typeof candidate.RequestSchema.safeParse === "function"
          && typeof candidate.generateWorkflow === "function") {
        return candidate;
      }
    }
    return null;
  }

  function workflow(file) {
    const wf = workflowIn(load(file));
    if (wf === null) throw new Error(NOT_A_WORKFLOW);
    return wf;
  }

  function messageOf(e) {
    if (e instanceof Error) return e.message;
    if (typeof e === "string") return e;
    try { return JSON.stringify(e); } catch (ignored) { return String(e); }
  }

  // null when the file loads but holds no workflow (a helper module, say)
  function describe(file) {
    const wf = workflowIn(load(file));
    if (wf === null) return JSON.stringify({ workflow: false });
    const zodToJsonSchema = load("builtin:zod-to-json-schema").zodToJsonSchema;
    const schema = zodToJsonSchema(wf.RequestSchema, { target: "openApi3", $refStrategy: "none" });
    return JSON.stringify({
      workflow: true,
      summary: typeof wf.summary === "string" ? wf.summary : null,
      description: typeof wf.description === "string" ? wf.description : null,
      schema: schema,
    });
  }

  // done(kind, ...): ("invalid", issuesJson) | ("ok", inputJson, promptJson) | ("error", message)
  function generate(file, inputJson, done) {
    const wf = workflow(file);
    const parsed = wf.RequestSchema.safeParse(inputJson === "" ? undefined : JSON.parse(inputJson));
    if (!parsed.success) {
      done("invalid", JSON.stringify(parsed.error.issues.map(i => ({ path: i.path, message: i.message }))));
      return;
    }
    const input = JSON.stringify(parsed.data);
    new Promise(ok => ok(wf.generateWorkflow(parsed.data))).then(graph => {
      if (graph === null || typeof graph !== "object" || Array.isArray(graph)) {
        done("error", "generateWorkflow returned " + (Array.isArray(graph) ? "an array" : String(graph))
            + ", not a prompt object");
        return;
      }
      let prompt;
      try {
        prompt = JSON.stringify(graph);
      } catch (e) {
        done("error", "the generated prompt is not JSON: " + messageOf(e));
        return;
      }
      done("ok", input, prompt);
    }, e => done("error", messageOf(e)));
  }

  // Loads the libraries up front, so that a call's time limit covers the workflow's own code only.
  function prepare(forDescribing) {
    load("builtin:zod");
    if (forDescribing) load("builtin:zod-to-json-schema");
  }

  // The files another file required: helper modules rather than workflows that lack an export.
  function importedFiles() {
    return JSON.stringify(Array.from(imported));
  }

  return { prepare: prepare, describe: describe, generate: generate, importedFiles: importedFiles };
})
