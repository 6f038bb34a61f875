/**
 * The status pill of a step or run, on graph nodes, run panel rows and the run history.
 * `data-status` drives its colours (style/status.css) and is what the UI tests read.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { ShownStatus, statusLabel } from '../status';

export interface IStatusBadgeProps {
  status: ShownStatus;
  trans: TranslationBundle;
}

export function StatusBadge(props: IStatusBadgeProps): JSX.Element {
  return (
    <span className="jp-runnable-status-badge" data-status={props.status}>
      {statusLabel(props.status, props.trans)}
    </span>
  );
}
