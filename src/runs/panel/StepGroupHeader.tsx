/**
 * A status group's header in a long step list ("Failed (3)"): folds its steps away.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { StatusGroup } from '../stepListModel';

function groupLabel(group: StatusGroup, trans: TranslationBundle): string {
  switch (group) {
    case 'failed':
      return trans.__('Failed');
    case 'running':
      return trans.__('Running');
    case 'upstream_failed':
      return trans.__('Upstream failed');
    case 'cancelled':
      return trans.__('Cancelled');
    case 'pending':
      return trans.__('Pending');
    case 'succeeded':
      return trans.__('Succeeded');
    case 'cached':
      return trans.__('Cached');
    case 'mocked':
      return trans.__('Mocked');
    case 'not_selected':
      return trans.__('Not in this run');
    default:
      return trans.__('Not run');
  }
}

export function StepGroupHeader(props: {
  index: number;
  measureRef(element: HTMLLIElement | null): void;
  row: { group: StatusGroup; count: number; folded: boolean };
  onToggle(): void;
  trans: TranslationBundle;
}): JSX.Element {
  const { row, trans } = props;
  return (
    <li
      ref={props.measureRef}
      data-index={props.index}
      className="jp-runnable-run-step-group"
      data-group={row.group}
    >
      <button
        className="jp-runnable-run-step-group-toggle"
        aria-expanded={!row.folded}
        onClick={props.onToggle}
      >
        <span aria-hidden="true">{row.folded ? '▸' : '▾'}</span>
        {trans.__('%1 (%2)', groupLabel(row.group, trans), row.count)}
      </button>
    </li>
  );
}
