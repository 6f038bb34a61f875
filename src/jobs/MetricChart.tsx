/**
 * A chosen metric against a chosen parameter over a job's runs, as an SVG scatter chart: a
 * linear axis for numeric parameters, evenly spaced values for the others. A point's tooltip
 * names its run; clicking it opens the run.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { linearScale, niceAxis, pointScale, tickLabel } from './chartScale';
import { compareCells } from './sorting';
import type { IRunRow } from './runTable';

const WIDTH = 420;
const HEIGHT = 240;
const MARGIN = { top: 12, right: 16, bottom: 40, left: 56 };
// Points and ticks keep off the axes lines.
const INSET = 12;

export interface IMetricChartProps {
  rows: ReadonlyArray<IRunRow>;
  parameters: ReadonlyArray<string>;
  metrics: ReadonlyArray<string>;
  onOpenRun(runId: string): void;
  trans: TranslationBundle;
}

export function MetricChart(props: IMetricChartProps): JSX.Element | null {
  const { rows, trans } = props;
  const [metric, setMetric] = React.useState<string | null>(null);
  const [parameter, setParameter] = React.useState<string | null>(null);
  const y =
    metric && props.metrics.includes(metric)
      ? metric
      : (props.metrics[0] ?? null);
  const x =
    parameter && props.parameters.includes(parameter)
      ? parameter
      : (props.parameters[0] ?? null);
  if (!y || !x) {
    return (
      <p className="jp-runnable-jobs-empty">
        {trans.__(
          'No metric to chart yet: log one with metrics.log("name", value) in a notebook.'
        )}
      </p>
    );
  }
  const points = rows
    .filter(
      row =>
        typeof row.metrics[y] === 'number' && row.parameters[x] !== undefined
    )
    .map(row => ({ row, xValue: row.parameters[x], yValue: row.metrics[y] }));
  const numeric = points.every(point => typeof point.xValue === 'number');
  const left = MARGIN.left;
  const right = WIDTH - MARGIN.right;
  const top = MARGIN.top;
  const bottom = HEIGHT - MARGIN.bottom;
  const yAxis = niceAxis(points.map(point => point.yValue));
  const yScale = linearScale([yAxis.min, yAxis.max], [bottom - INSET, top]);
  let xOf: (value: unknown) => number;
  let xTicks: { at: number; label: string }[];
  if (numeric) {
    const xAxis = niceAxis(points.map(point => point.xValue as number));
    const scale = linearScale(
      [xAxis.min, xAxis.max],
      [left + INSET, right - INSET]
    );
    xOf = value => scale(value as number);
    xTicks = xAxis.ticks.map(tick => ({
      at: scale(tick),
      label: tickLabel(tick)
    }));
  } else {
    const labels = [
      ...new Set(points.map(point => JSON.stringify(point.xValue)))
    ].sort((a, b) => compareCells(JSON.parse(a), JSON.parse(b)));
    const scale = pointScale(labels, [left, right]);
    xOf = value => scale.get(JSON.stringify(value)) ?? left;
    xTicks = labels.map(label => ({
      at: scale.get(label) ?? left,
      label: typeof JSON.parse(label) === 'string' ? JSON.parse(label) : label
    }));
  }
  const select = (
    name: string,
    label: string,
    value: string,
    options: ReadonlyArray<string>,
    onChange: (v: string) => void
  ) => (
    <label>
      {label}
      <select
        name={name}
        value={value}
        onChange={event => onChange(event.currentTarget.value)}
      >
        {options.map(option => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="jp-runnable-job-chart">
      <div className="jp-runnable-job-chart-controls">
        {select('metric', trans.__('Metric'), y, props.metrics, setMetric)}
        {select(
          'parameter',
          trans.__('against'),
          x,
          props.parameters,
          setParameter
        )}
      </div>
      <svg
        width={WIDTH}
        height={HEIGHT}
        role="img"
        aria-label={trans.__('%1 against %2', y, x)}
        data-points={points.length}
      >
        <line
          className="jp-runnable-job-chart-axis"
          x1={left}
          y1={bottom}
          x2={right}
          y2={bottom}
        />
        <line
          className="jp-runnable-job-chart-axis"
          x1={left}
          y1={top}
          x2={left}
          y2={bottom}
        />
        {yAxis.ticks.map(tick => (
          <g key={`y${tick}`}>
            <line
              className="jp-runnable-job-chart-grid"
              x1={left}
              x2={right}
              y1={yScale(tick)}
              y2={yScale(tick)}
            />
            <text
              className="jp-runnable-job-chart-label"
              x={left - 6}
              y={yScale(tick)}
              textAnchor="end"
              dominantBaseline="middle"
            >
              {tickLabel(tick)}
            </text>
          </g>
        ))}
        {xTicks.map(tick => (
          <text
            key={`x${tick.label}`}
            className="jp-runnable-job-chart-label"
            x={tick.at}
            y={bottom + 16}
            textAnchor="middle"
          >
            {tick.label}
          </text>
        ))}
        <text
          className="jp-runnable-job-chart-title"
          x={(left + right) / 2}
          y={HEIGHT - 6}
          textAnchor="middle"
        >
          {x}
        </text>
        {points.map(point => (
          <circle
            key={point.row.runId}
            className="jp-runnable-job-chart-point"
            data-status={point.row.status}
            cx={xOf(point.xValue)}
            cy={yScale(point.yValue)}
            r={5}
            onClick={() => props.onOpenRun(point.row.runId)}
          >
            <title>{`${point.row.runId}: ${x} = ${JSON.stringify(point.xValue)}, ${y} = ${point.yValue}`}</title>
          </circle>
        ))}
      </svg>
    </div>
  );
}
