/**
 * Validation of a pipeline document by the server (`POST validate`), with the local checks as
 * a fallback when the server extension cannot answer.
 */
import { requestAPI } from '../api';
import { localProblems } from './localChecks';
import { IPipelineDocument, IProblem } from './pipelineFormat';

export interface IValidateReply {
  valid: boolean;
  errors: IProblem[];
  pipeline: unknown;
}

export interface IValidationResult {
  problems: IProblem[];
  /** 'server' when the engine validated the document, 'local' for the editor's own checks. */
  source: 'server' | 'local';
}

/** Validate `content` as a pipeline file living in the folder `base` (server-root relative). */
export async function validatePipeline(
  content: unknown,
  base: string,
  fallback: IPipelineDocument | null
): Promise<IValidationResult> {
  try {
    const reply = await requestAPI<IValidateReply>('validate', {
      method: 'POST',
      body: JSON.stringify({ content, base })
    });
    return { problems: reply.errors ?? [], source: 'server' };
  } catch (error) {
    console.warn('runnable-jupyter: server validation unavailable', error);
    return {
      problems: fallback ? localProblems(fallback) : [],
      source: 'local'
    };
  }
}
