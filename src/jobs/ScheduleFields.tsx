/**
 * A new job's schedule: the cron expression with its plain-language reading (cronstrue) and the
 * next three due times as the server's scheduler computes them, the time zone and what to do
 * about due times missed while no scheduler ran.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { ApiError } from '../api';
import type { JobsClient } from './client';
import { FieldErrors } from './FieldErrors';
import type { MissedPolicy } from './dto';
import { describeSchedule, timeZones, wallTime } from './scheduleText';

const PREVIEW_DELAY_MS = 300;

export interface IScheduleValue {
  scheduled: boolean;
  cron: string;
  timezone: string;
  missed: MissedPolicy;
}

/** The next due times from the server, asked again (debounced) as the fields change. */
function useDueTimes(
  client: JobsClient,
  value: IScheduleValue
): { next: string[]; error: ApiError | null } {
  const [state, setState] = React.useState<{
    next: string[];
    error: ApiError | null;
  }>({ next: [], error: null });
  React.useEffect(() => {
    if (!value.scheduled || !value.cron.trim()) {
      setState({ next: [], error: null });
      return;
    }
    let current = true;
    const timer = window.setTimeout(() => {
      client
        .schedulePreview(value.cron, value.timezone)
        .then(reply => current && setState({ next: reply.next, error: null }))
        .catch(
          reason =>
            current &&
            setState({
              next: [],
              error:
                reason instanceof ApiError
                  ? reason
                  : new ApiError(0, String(reason))
            })
        );
    }, PREVIEW_DELAY_MS);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [client, value.scheduled, value.cron, value.timezone]);
  return state;
}

export function ScheduleFields(props: {
  client: JobsClient;
  value: IScheduleValue;
  serverErrors: Record<string, string[]>;
  onChange(change: Partial<IScheduleValue>): void;
  trans: TranslationBundle;
}): JSX.Element {
  const { value, trans } = props;
  const zones = React.useMemo(() => {
    const known = timeZones();
    return known.includes(value.timezone) ? known : [value.timezone, ...known];
  }, [value.timezone]);
  const due = useDueTimes(props.client, value);
  const previewField = (
    due.error?.body?.details as { field?: string } | undefined
  )?.field;
  const errorsOf = (field: string) => [
    ...(due.error && (previewField ?? 'cron') === field
      ? [due.error.message]
      : []),
    ...(props.serverErrors[field] ?? [])
  ];
  const words = describeSchedule(value.cron, value.timezone);
  return (
    <fieldset className="jp-runnable-job-schedule">
      <legend>
        <label>
          <input
            type="checkbox"
            checked={value.scheduled}
            onChange={event =>
              props.onChange({ scheduled: event.currentTarget.checked })
            }
          />
          {trans.__('Run on a schedule')}
        </label>
      </legend>
      {value.scheduled && (
        <>
          <label className="jp-runnable-job-field">
            <span>{trans.__('Cron')}</span>
            <input
              className="jp-mod-styled"
              name="cron"
              value={value.cron}
              placeholder="0 2 * * *"
              onChange={event =>
                props.onChange({ cron: event.currentTarget.value })
              }
            />
          </label>
          <div className="jp-runnable-job-cron-words" data-testid="cron-words">
            {words ??
              trans.__(
                'Five fields: minute hour day-of-month month day-of-week, or @daily, @hourly…'
              )}
          </div>
          <FieldErrors messages={errorsOf('cron')} />
          <label className="jp-runnable-job-field">
            <span>{trans.__('Time zone')}</span>
            <select
              name="timezone"
              value={value.timezone}
              onChange={event =>
                props.onChange({ timezone: event.currentTarget.value })
              }
            >
              {zones.map(zone => (
                <option key={zone} value={zone}>
                  {zone}
                </option>
              ))}
            </select>
          </label>
          <FieldErrors messages={errorsOf('timezone')} />
          <label className="jp-runnable-job-field">
            <span>{trans.__('Missed runs')}</span>
            <select
              name="missed"
              value={value.missed}
              onChange={event =>
                props.onChange({
                  missed: event.currentTarget.value as MissedPolicy
                })
              }
            >
              <option value="skip">{trans.__('skip them')}</option>
              <option value="run_once">
                {trans.__('run once when the scheduler is back')}
              </option>
            </select>
          </label>
          <FieldErrors messages={errorsOf('missed')} />
          {due.next.length > 0 && (
            <div className="jp-runnable-job-next-times">
              {trans.__('Next runs:')}
              <ul>
                {due.next.map(time => (
                  <li key={time}>
                    {trans.__('%1 (%2)', wallTime(time), value.timezone)}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
    </fieldset>
  );
}
