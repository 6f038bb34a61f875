/**
 * Which field of the New Job form a server-side problem belongs to: `job_invalid` problems are
 * located by JSON pointers into the job (`/schedule/cron`, `/grid/alpha/1`, `/parameters/n`),
 * other refusals name a `field` in their details. No JupyterLab imports: unit-tested with jest.
 */

/** Field keys: `name`, `steps`, `mode`, `cron`, `timezone`, `missed`, `param:NAME`, `form`. */
export type FieldKey = string;

function unescape(part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function fieldOfPointer(pointer: string): FieldKey {
  const parts = pointer.split('/').slice(1).map(unescape);
  switch (parts[0]) {
    case 'schedule':
      return ['cron', 'timezone', 'missed'].includes(parts[1] ?? '')
        ? parts[1]
        : 'cron';
    case 'grid':
    case 'parameters': {
      // A product grid names the parameter; a list of sets puts an index first.
      const name = /^\d+$/.test(parts[1] ?? '') ? parts[2] : parts[1];
      return name ? `param:${name}` : 'grid';
    }
    case 'steps':
    case 'mode':
    case 'name':
      return parts[0];
    default:
      return 'form';
  }
}

interface IProblemLike {
  pointer?: unknown;
  message?: unknown;
}

/** Messages by field from an API error's code, message and details. */
export function fieldErrors(
  code: string | undefined,
  message: string,
  details: unknown
): Record<FieldKey, string[]> {
  const errors: Record<FieldKey, string[]> = {};
  const add = (key: FieldKey, text: string) => {
    (errors[key] = errors[key] ?? []).push(text);
  };
  if (code === 'job_invalid' && Array.isArray(details)) {
    for (const problem of details as IProblemLike[]) {
      const text =
        typeof problem?.message === 'string' ? problem.message : message;
      add(
        typeof problem?.pointer === 'string'
          ? fieldOfPointer(problem.pointer)
          : 'form',
        text
      );
    }
    return errors;
  }
  if (code === 'job_exists') {
    add('name', message);
    return errors;
  }
  const field = (details as { field?: unknown } | null | undefined)?.field;
  add(typeof field === 'string' ? field : 'form', message);
  return errors;
}
