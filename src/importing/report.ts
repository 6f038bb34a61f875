/**
 * "Import as Pipeline", the pure part: which files it applies to, the server's reply and its
 * report turned into the sections the report dialog shows, and errors into readable text.
 */
import { TranslationBundle } from '@jupyterlab/translation';

/** One entry of the report's `mapped`, `not_mapped` or `notes` lists. */
export interface IReportItem {
  source: string;
  target: string | null;
  message: string;
}

/** The conversion report of `POST import` (see runnable_jupyter/importers/report.py). */
export interface IImportReport {
  source: string;
  output: string;
  format: string;
  format_version: string;
  steps: { id: string; from: string; notebook: string }[];
  mapped: IReportItem[];
  not_mapped: IReportItem[];
  notes: IReportItem[];
  problems: string[];
}

/** `POST import`'s 201 answer. */
export interface IImportReply {
  pipeline: string;
  report: IImportReport;
}

/** The request body of `POST import`. */
export interface IImportBody {
  path: string;
  output?: string;
  kernel?: string;
  force?: boolean;
}

export type SourceFormat = 'elyra' | 'orchest';

const ORCHEST_LEGACY_FOLDER = '.orchest';
const ORCHEST_LEGACY_FILE = 'pipeline.json';

/**
 * The format a file to import is named for, or null when "Import as Pipeline" does not apply:
 * `NAME.pipeline` (Elyra), `NAME.orchest` or `.orchest/pipeline.json` (Orchest).
 */
export function importableFormat(path: string): SourceFormat | null {
  const parts = path.split('/').filter(part => part.length > 0);
  const name = parts[parts.length - 1] ?? '';
  const lower = name.toLowerCase();
  if (lower.endsWith('.pipeline') && lower.length > '.pipeline'.length) {
    return 'elyra';
  }
  if (lower.endsWith('.orchest') && lower.length > '.orchest'.length) {
    return 'orchest';
  }
  if (
    lower === ORCHEST_LEGACY_FILE &&
    parts.length >= 2 &&
    parts[parts.length - 2] === ORCHEST_LEGACY_FOLDER
  ) {
    return 'orchest';
  }
  return null;
}

export type SectionKind =
  'problems' | 'steps' | 'not_mapped' | 'notes' | 'mapped';

/** One line of a section: where it came from, where it went (if anywhere), what happened. */
export interface ISectionLine {
  source: string;
  target?: string;
  message: string;
}

export interface IReportSection {
  kind: SectionKind;
  title: string;
  lines: ISectionLine[];
  /** Shown unfolded: anything to act on, and short lists. */
  open: boolean;
}

/** The report dialog's content: a summary and the non-empty sections, most urgent first. */
export interface IReportView {
  title: string;
  summary: string;
  valid: boolean;
  sections: IReportSection[];
}

const OPEN_UP_TO = 8;

function formatTitle(format: string): string {
  return format === 'elyra'
    ? 'Elyra'
    : format === 'orchest'
      ? 'Orchest'
      : format;
}

function baseName(path: string): string {
  const parts = path.split('/');
  return parts[parts.length - 1] || path;
}

function itemLines(items: IReportItem[]): ISectionLine[] {
  return items.map(item => ({
    source: item.source,
    ...(item.target ? { target: item.target } : {}),
    message: item.message
  }));
}

/** Turn the report into what the dialog shows. */
export function reportView(
  report: IImportReport,
  trans: TranslationBundle
): IReportView {
  const problems = report.problems ?? [];
  const sections: IReportSection[] = [
    {
      kind: 'problems',
      title: trans.__('Problems to fix before running'),
      lines: problems.map(message => ({ source: '', message })),
      open: true
    },
    {
      kind: 'steps',
      title: trans.__('Steps'),
      lines: (report.steps ?? []).map(step => ({
        source: step.id,
        message: trans.__('from %1 (%2)', step.from, step.notebook)
      })),
      open: (report.steps ?? []).length <= OPEN_UP_TO
    },
    {
      kind: 'not_mapped',
      title: trans.__('No equivalent (not carried over)'),
      lines: itemLines(report.not_mapped ?? []),
      open: true
    },
    {
      kind: 'notes',
      title: trans.__('Notes'),
      lines: itemLines(report.notes ?? []),
      open: true
    },
    {
      kind: 'mapped',
      title: trans.__('Mapped'),
      lines: itemLines(report.mapped ?? []),
      open: (report.mapped ?? []).length <= OPEN_UP_TO
    }
  ];
  const steps = (report.steps ?? []).length;
  return {
    title: trans.__('Imported %1', baseName(report.source)),
    summary: trans._n(
      '%2 (%3 pipeline, format %4) became %5 with %1 step.',
      '%2 (%3 pipeline, format %4) became %5 with %1 steps.',
      steps,
      report.source,
      formatTitle(report.format),
      report.format_version,
      report.output
    ),
    valid: problems.length === 0,
    sections: sections.filter(section => section.lines.length > 0)
  };
}

/** What a failed call carries: `ApiError`'s status and the server's `{"error": ...}` body. */
export interface IFailure {
  status?: number;
  message?: string;
  body?: { code: string; message: string; details?: unknown };
}

/** True when the output exists and a resend with `force: true` would replace it. */
export function isOutputExists(error: unknown): boolean {
  const failure = error as IFailure | null;
  return failure?.status === 409 && failure.body?.code === 'output_exists';
}

/** The existing output a 409 output_exists names (`details.path`), or null. */
export function existingOutput(error: unknown): string | null {
  if (!isOutputExists(error)) {
    return null;
  }
  const details = (error as IFailure).body?.details as
    { path?: unknown } | undefined;
  return typeof details?.path === 'string' ? details.path : null;
}

/** A title and a message for an import that failed, the server's own message kept whole. */
export function failureText(
  error: unknown,
  path: string,
  trans: TranslationBundle
): { title: string; message: string } {
  const failure = (error ?? {}) as IFailure;
  const code = failure.body?.code;
  const name = baseName(path);
  const message = failure.body?.message ?? failure.message ?? String(error);
  switch (code) {
    case 'pipeline_not_found':
      return { title: trans.__('%1 Not Found', name), message };
    case 'path_outside_root':
    case 'hidden_path':
      return { title: trans.__('Cannot Import %1 Here', name), message };
    case 'bad_request':
      return { title: trans.__('Cannot Import %1', name), message };
    case 'output_exists':
      return { title: trans.__('Pipeline File Exists'), message };
    default:
      if (failure.status === 404) {
        return {
          title: trans.__('Import Unavailable'),
          message: trans.__(
            'The runnable-jupyter server extension does not answer (%1): install and enable it, then restart the server.',
            message
          )
        };
      }
      return { title: trans.__('Import of %1 Failed', name), message };
  }
}
