/**
 * A failed step's error in the run panel: the exception and the first line of its message, the
 * failing cell (numbered from 1), the full traceback on demand with shortened paths, and
 * "Copy error" for the whole of it.
 */
import { Clipboard } from '@jupyterlab/apputils';
import { PageConfig } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IStepState } from '../../tokens';
import { errorForClipboard, firstLine, shortenPaths } from '../errorText';

type StepErrorInfo = NonNullable<IStepState['error']>;

export function StepError(props: {
  error: StepErrorInfo;
  trans: TranslationBundle;
}): JSX.Element {
  const { error, trans } = props;
  const summary = firstLine(error.message);
  const cell =
    error.cellIndex !== null && error.cellIndex !== undefined
      ? trans.__('in cell %1', error.cellIndex + 1)
      : '';
  const traceback = error.traceback
    ? shortenPaths(error.traceback, PageConfig.getOption('serverRoot'))
    : '';
  return (
    <div className="jp-runnable-run-step-error">
      <div className="jp-runnable-run-step-error-summary">
        <span className="jp-runnable-run-step-error-name">{error.name}</span>
        {summary ? `: ${summary}` : ''}
        {cell && (
          <span className="jp-runnable-run-step-error-cell"> ({cell})</span>
        )}
      </div>
      {traceback && (
        <details className="jp-runnable-run-step-traceback">
          <summary>{trans.__('Traceback')}</summary>
          <pre>{traceback}</pre>
        </details>
      )}
      <button
        className="jp-runnable-link-button jp-runnable-copy-error"
        title={trans.__('Copy the whole error and its traceback')}
        onClick={() => Clipboard.copyToSystem(errorForClipboard(error))}
      >
        {trans.__('Copy Error')}
      </button>
    </div>
  );
}
