/**
 * The pipeline file's JSON Schema, shipped in the Python package
 * (`runnable_jupyter/pipeline/pipeline.schema.json`): the single source of truth for the format,
 * read here rather than copied.
 */
declare const require: (path: string) => any;

export const PIPELINE_SCHEMA: {
  $defs: {
    step: { properties: { id: { pattern: string; maxLength: number } } };
  };
} = require('../runnable_jupyter/pipeline/pipeline.schema.json');

/** Allowed step ids, from the schema. */
export const STEP_ID_PATTERN = new RegExp(
  PIPELINE_SCHEMA.$defs.step.properties.id.pattern
);

/** The longest step id, from the schema. */
export const MAX_STEP_ID_LENGTH =
  PIPELINE_SCHEMA.$defs.step.properties.id.maxLength;
