/**
 * The messages refusing a field of the New Job dialog, under it: its own checks and the
 * server's located refusals alike (`jp-runnable-job-field-error`, announced as alerts).
 */
import * as React from 'react';

export function FieldErrors(props: {
  messages?: ReadonlyArray<string>;
}): JSX.Element | null {
  if (!props.messages?.length) {
    return null;
  }
  return (
    <>
      {props.messages.map(message => (
        <div className="jp-runnable-job-field-error" role="alert" key={message}>
          {message}
        </div>
      ))}
    </>
  );
}
