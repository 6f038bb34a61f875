/**
 * The timeline (Gantt) of one run: a row per step with a bar per attempt on the shared axis of
 * `timelineOf`, the kernel's start-up drawn lighter than the cells' execution, coloured by status
 * (`data-status`, the colours of style/status.css). Hovering a bar tells its times; clicking a
 * step selects it in the pipeline's graph.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { formatDuration } from '../duration';
import type { IRunLog } from '../runs/dto';
import { StatusBadge } from '../components/StatusBadge';
import {
  ITimeline,
  ITimelineBar,
  ITimelineRow,
  ticks,
  timelineOf
} from './timelineModel';

export interface IRunTimelineProps {
  log: IRunLog;
  now: Date;
  selected: ReadonlyArray<string>;
  onSelect: (stepId: string) => void;
  trans: TranslationBundle;
}

function percent(axisS: number, timeline: ITimeline): string {
  return timeline.spanS > 0 ? `${(axisS / timeline.spanS) * 100}%` : '0%';
}

function barTitle(
  row: ITimelineRow,
  bar: ITimelineBar,
  trans: TranslationBundle
): string {
  const lines = [
    trans.__('%1 · attempt %2 · %3', row.stepId, bar.attempt, bar.status),
    trans.__('started %1', bar.started.toLocaleTimeString()),
    bar.ended
      ? trans.__('ended %1', bar.ended.toLocaleTimeString())
      : trans.__('still running')
  ];
  const took = formatDuration(bar.endS - bar.startS);
  if (bar.readyS !== null) {
    lines.push(
      trans.__(
        '%1 in all: kernel start %2, cells %3',
        took,
        formatDuration(bar.readyS - bar.startS),
        formatDuration(bar.endS - bar.readyS)
      )
    );
  } else {
    lines.push(trans.__('%1 in all', took));
  }
  return lines.join('\n');
}

function Bar(props: {
  row: ITimelineRow;
  bar: ITimelineBar;
  timeline: ITimeline;
  trans: TranslationBundle;
  onSelect: (stepId: string) => void;
}): JSX.Element {
  const { row, bar, timeline, trans } = props;
  const width = Math.max(bar.endS - bar.startS, 0);
  const kernelShare =
    bar.readyS !== null && width > 0
      ? Math.min(1, Math.max(0, (bar.readyS - bar.startS) / width))
      : 0;
  return (
    <div
      className="jp-runnable-timeline-bar"
      data-status={bar.status}
      data-running={bar.running ? 'true' : undefined}
      title={barTitle(row, bar, trans)}
      style={{
        left: percent(bar.startS, timeline),
        width: `max(3px, ${percent(width, timeline)})`
      }}
      onClick={() => props.onSelect(row.stepId)}
    >
      {kernelShare > 0 && (
        <div
          className="jp-runnable-timeline-kernel"
          style={{ width: `${kernelShare * 100}%` }}
        />
      )}
    </div>
  );
}

function Axis(props: { timeline: ITimeline }): JSX.Element {
  const { timeline } = props;
  return (
    <div className="jp-runnable-timeline-axis" aria-hidden="true">
      {ticks(timeline.spanS).map(t => (
        <span
          key={t}
          className="jp-runnable-timeline-tick"
          style={{ left: percent(t, timeline) }}
        >
          {formatDuration(t)}
        </span>
      ))}
    </div>
  );
}

export function RunTimeline(props: IRunTimelineProps): JSX.Element {
  const { log, now, trans } = props;
  const timeline = React.useMemo(() => timelineOf(log, now), [log, now]);
  const selected = new Set(props.selected);
  return (
    <div className="jp-runnable-timeline" data-run-id={log.run_id}>
      <div className="jp-runnable-timeline-header">
        <span>{trans.__('Run %1', log.run_id)}</span>
        <StatusBadge status={log.status} trans={trans} />
      </div>
      <div className="jp-runnable-timeline-grid" role="list">
        <div className="jp-runnable-timeline-row jp-runnable-timeline-axis-row">
          <span />
          <Axis timeline={timeline} />
        </div>
        {timeline.rows.map(row => (
          <div
            key={row.stepId}
            role="listitem"
            className="jp-runnable-timeline-row"
            data-step-id={row.stepId}
            data-selected={selected.has(row.stepId) ? 'true' : undefined}
          >
            <button
              className="jp-runnable-timeline-label"
              data-status={row.status}
              title={trans.__('Select %1 in the graph', row.stepId)}
              onClick={() => props.onSelect(row.stepId)}
            >
              {row.stepId}
            </button>
            <div className="jp-runnable-timeline-track">
              {timeline.breaks.map(b => (
                <div
                  key={b}
                  className="jp-runnable-timeline-break"
                  style={{ left: percent(b, timeline) }}
                  title={trans.__('idle time between attempts left out')}
                />
              ))}
              {row.bars.map(bar => (
                <Bar
                  key={bar.attempt}
                  row={row}
                  bar={bar}
                  timeline={timeline}
                  trans={trans}
                  onSelect={props.onSelect}
                />
              ))}
              {row.bars.length === 0 && (
                <span className="jp-runnable-timeline-none">
                  {trans.__('did not run (%1)', row.status)}
                </span>
              )}
            </div>
          </div>
        ))}
      </div>
      <div className="jp-runnable-timeline-legend">
        <span className="jp-runnable-timeline-legend-kernel" />
        {trans.__('kernel starting')}
        <span className="jp-runnable-timeline-legend-cells" />
        {trans.__('cells running')}
        {timeline.breaks.length > 0 && (
          <>
            <span className="jp-runnable-timeline-legend-break" />
            {trans.__('idle time between attempts left out')}
          </>
        )}
      </div>
    </div>
  );
}
