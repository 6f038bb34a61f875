/**
 * The body of the report dialog "Import as Pipeline" shows: a summary, whether the new file is
 * valid, then the steps and what mapped, what has no equivalent and the importer's notes.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import { IReportSection, IReportView } from './report';

function Section(props: { section: IReportSection }): JSX.Element {
  const { section } = props;
  return (
    <details
      className="jp-runnable-ImportReport-section"
      data-kind={section.kind}
      open={section.open}
    >
      <summary>
        {section.title} ({section.lines.length})
      </summary>
      <ul>
        {section.lines.map((line, index) => (
          <li key={index}>
            {line.source && (
              <code className="jp-runnable-ImportReport-source">
                {line.source}
              </code>
            )}
            {line.target && (
              <code className="jp-runnable-ImportReport-target">
                {'→ ' + line.target}
              </code>
            )}
            <span className="jp-runnable-ImportReport-message">
              {line.message}
            </span>
          </li>
        ))}
      </ul>
    </details>
  );
}

export function ImportReport(props: {
  view: IReportView;
  trans: TranslationBundle;
}): JSX.Element {
  const { view, trans } = props;
  return (
    <div className="jp-runnable-ImportReport">
      <p className="jp-runnable-ImportReport-summary">{view.summary}</p>
      <p
        className={`jp-runnable-ImportReport-validity ${
          view.valid ? 'jp-mod-valid' : 'jp-mod-invalid'
        }`}
        role="status"
      >
        {view.valid
          ? trans.__('The new pipeline file is valid.')
          : trans.__(
              'Validation found problems in the new pipeline file: fix them before running it.'
            )}
      </p>
      {view.sections.map(section => (
        <Section key={section.kind} section={section} />
      ))}
    </div>
  );
}

/** The report as a dialog body. */
export function importReportWidget(
  view: IReportView,
  trans: TranslationBundle
): ReactWidget {
  const widget = ReactWidget.create(<ImportReport view={view} trans={trans} />);
  widget.addClass('jp-runnable-ImportReportWidget');
  return widget;
}
