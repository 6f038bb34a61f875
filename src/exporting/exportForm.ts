/**
 * "Export Pipeline…", the pure part: the dialog's choices, what is wrong with them (said so
 * the user can fix it), the body of `POST export` and its answer.
 */
import { TranslationBundle } from '@jupyterlab/translation';

export type ExportFormat = 'script' | 'argo';

/** What the export dialog asks for. */
export interface IExportForm {
  format: ExportFormat;
  /** argo: the container image every step runs in. */
  image: string;
  /** argo: the PersistentVolumeClaim holding the workspace ('' = the default). */
  volumeClaim: string;
}

/** The request body of `POST export` (see runnable_jupyter/server/exporting.py). */
export interface IExportBody {
  path: string;
  format: ExportFormat;
  image?: string;
  volume_claim?: string;
}

/** `POST export`'s answer: the text and the file it belongs in (beside the pipeline). */
export interface IExportReply {
  format: ExportFormat;
  file: string;
  text: string;
}

export const DEFAULT_VOLUME_CLAIM = 'runnable-jupyter-workspace';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_CLAIM_LENGTH = 63;

export function initialForm(previous?: Partial<IExportForm>): IExportForm {
  return { format: 'script', image: '', volumeClaim: '', ...previous };
}

/** Field name -> what is wrong with it; empty when the form can be sent. */
export function formProblems(
  form: IExportForm,
  trans: TranslationBundle
): Record<string, string> {
  const problems: Record<string, string> = {};
  if (form.format !== 'argo') {
    return problems;
  }
  const image = form.image.trim();
  if (!image) {
    problems.image = trans.__(
      'Give the container image every step runs in (with runnable-jupyter installed), e.g. ghcr.io/team/notebooks:1.0'
    );
  } else if (/\s/.test(image)) {
    problems.image = trans.__('An image name has no spaces: %1', image);
  }
  const claim = form.volumeClaim.trim();
  if (claim && (claim.length > MAX_CLAIM_LENGTH || !DNS_LABEL.test(claim))) {
    problems.volumeClaim = trans.__(
      'A volume claim name is lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters'
    );
  }
  return problems;
}

/** The request for the pipeline at `path` (relative to the server root). */
export function exportBody(path: string, form: IExportForm): IExportBody {
  if (form.format === 'script') {
    return { path, format: 'script' };
  }
  const body: IExportBody = { path, format: 'argo', image: form.image.trim() };
  const claim = form.volumeClaim.trim();
  if (claim) {
    body.volume_claim = claim;
  }
  return body;
}

/** The file name alone, for messages. */
export function baseName(path: string): string {
  const parts = path.split('/');
  return parts[parts.length - 1] || path;
}
