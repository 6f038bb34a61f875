/**
 * A failed step's error in the run panel: the exception and the first line of its message, the
 * failing cell (numbered from 1) and its first lines, the full traceback on demand (in the
 * kernel's colours, paths shortened), and "Copy error" for the whole of it as plain text.
 */
import { Clipboard } from '@jupyterlab/apputils';
import { PageConfig } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';
import * as React from 'react';

import { IStepState } from '../../tokens';
import {
  errorForClipboard,
  firstLine,
  shortenPaths,
  sourcePreview
} from '../errorText';

type StepErrorInfo = NonNullable<IStepState['error']>;

/** Draws a traceback (ANSI colours included) into `host`; disposing removes it. */
export type TracebackRenderer = (
  host: HTMLElement,
  text: string
) => IDisposable;

/** The traceback, drawn only while open (most failures are read from their summary). */
function Traceback(props: {
  text: string;
  render: TracebackRenderer;
  trans: TranslationBundle;
}): JSX.Element {
  const { text, render } = props;
  const [open, setOpen] = React.useState(false);
  const host = React.useRef<HTMLDivElement>(null);
  React.useEffect(() => {
    if (!open || !host.current) {
      return;
    }
    const rendered = render(host.current, text);
    return () => rendered.dispose();
  }, [open, text, render]);
  return (
    <details
      className="jp-runnable-run-step-traceback"
      onToggle={event => setOpen(event.currentTarget.open)}
    >
      <summary>{props.trans.__('Traceback')}</summary>
      <div ref={host} className="jp-runnable-run-step-traceback-text" />
    </details>
  );
}

export function StepError(props: {
  error: StepErrorInfo;
  renderTraceback: TracebackRenderer;
  trans: TranslationBundle;
}): JSX.Element {
  const { error, trans } = props;
  const summary = firstLine(error.message);
  const cellNumber =
    error.cellIndex !== null && error.cellIndex !== undefined
      ? error.cellIndex + 1
      : null;
  const cell = cellNumber !== null ? trans.__('in cell %1', cellNumber) : '';
  const source = sourcePreview(error.cellSource);
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
      {source.length > 0 && (
        <pre
          className="jp-runnable-run-step-error-source"
          aria-label={trans.__('First lines of cell %1', cellNumber ?? '?')}
        >
          {source.join('\n')}
        </pre>
      )}
      {traceback && (
        <Traceback
          text={traceback}
          render={props.renderTraceback}
          trans={trans}
        />
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
