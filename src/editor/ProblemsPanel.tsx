/**
 * The validation problems of a pipeline file: a full panel when the graph cannot be drawn,
 * a compact list above the graph otherwise (e.g. a missing notebook or a cycle).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IProblem } from './pipelineFormat';

export interface IProblemsProps {
  problems: ReadonlyArray<IProblem>;
  trans: TranslationBundle;
  /** true: the file cannot be shown as a graph. */
  blocking: boolean;
  onOpenAsText: () => void;
}

function ProblemItem(props: {
  problem: IProblem;
  trans: TranslationBundle;
}): JSX.Element {
  const { problem, trans } = props;
  return (
    <li className="jp-runnable-problem" data-pointer={problem.pointer}>
      <code className="jp-runnable-problem-where">
        {problem.pointer || trans.__('(file)')}
        {problem.step ? ` · ${trans.__('step %1', problem.step)}` : ''}
      </code>
      <span className="jp-runnable-problem-message">{problem.message}</span>
    </li>
  );
}

export function ProblemsPanel(props: IProblemsProps): JSX.Element | null {
  const { problems, trans, blocking, onOpenAsText } = props;
  const [collapsed, setCollapsed] = React.useState(false);
  if (problems.length === 0 && !blocking) {
    return null;
  }
  const title = blocking
    ? trans.__('This pipeline file cannot be shown as a graph')
    : trans._n(
        'This pipeline has %1 problem',
        'This pipeline has %1 problems',
        problems.length
      );
  return (
    <div
      className={`jp-runnable-problems${blocking ? ' jp-mod-blocking' : ''}`}
      role={blocking ? 'alert' : 'status'}
    >
      <div className="jp-runnable-problems-header">
        <span className="jp-runnable-problems-title">{title}</span>
        {!blocking && (
          <button
            className="jp-mod-styled jp-mod-reject"
            onClick={() => setCollapsed(!collapsed)}
          >
            {collapsed ? trans.__('Show') : trans.__('Hide')}
          </button>
        )}
        <button className="jp-mod-styled jp-mod-accept" onClick={onOpenAsText}>
          {trans.__('Open as Text')}
        </button>
      </div>
      {!collapsed && (
        <ul className="jp-runnable-problems-list">
          {problems.map((problem, index) => (
            <ProblemItem key={index} problem={problem} trans={trans} />
          ))}
        </ul>
      )}
      {blocking && (
        <p className="jp-runnable-problems-hint">
          {trans.__(
            'Fix the file in a text editor (Open as Text); this view updates as soon as the file is valid.'
          )}
        </p>
      )}
    </div>
  );
}
