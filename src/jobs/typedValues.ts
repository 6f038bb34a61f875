/**
 * Typed values of the New Job form: a fixed parameter's value or a grid parameter's list of
 * values, parsed as the parameter's type before anything is sent (a value that does not parse
 * is refused next to its field). No JupyterLab imports: unit-tested with jest.
 */
import type { ParameterType } from './dto';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function shown(text: string): string {
  return text.length <= 30 ? text : `${text.slice(0, 27)}...`;
}

function parseJson(text: string): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return {
      ok: false,
      message: `'${shown(text)}' is not JSON (e.g. [1, 2] or {"a": 1})`
    };
  }
}

/** One value of a parameter of `type`, from what was typed in its field. */
export function parseValue(text: string, type: ParameterType): Parsed<unknown> {
  const trimmed = text.trim();
  if (type !== 'str' && trimmed === '') {
    return { ok: false, message: 'give a value' };
  }
  switch (type) {
    case 'int':
      return INTEGER.test(trimmed) && Number.isSafeInteger(Number(trimmed))
        ? { ok: true, value: Number(trimmed) }
        : { ok: false, message: `'${shown(trimmed)}' is not a whole number` };
    case 'float':
      return NUMBER.test(trimmed) && Number.isFinite(Number(trimmed))
        ? { ok: true, value: Number(trimmed) }
        : { ok: false, message: `'${shown(trimmed)}' is not a number` };
    case 'bool': {
      const lower = trimmed.toLowerCase();
      if (lower === 'true' || lower === 'false') {
        return { ok: true, value: lower === 'true' };
      }
      return { ok: false, message: `'${shown(trimmed)}' is not true or false` };
    }
    case 'str':
      // A quoted string keeps its commas and spaces: "a, b".
      if (
        trimmed.length >= 2 &&
        trimmed.startsWith('"') &&
        trimmed.endsWith('"')
      ) {
        const quoted = parseJson(trimmed);
        if (quoted.ok && typeof quoted.value === 'string') {
          return quoted;
        }
      }
      return { ok: true, value: trimmed };
    case 'list': {
      const parsed = parseJson(trimmed);
      return parsed.ok && !Array.isArray(parsed.value)
        ? {
            ok: false,
            message: `'${shown(trimmed)}' is not a list (e.g. [1, 2])`
          }
        : parsed;
    }
    case 'dict': {
      const parsed = parseJson(trimmed);
      const value = parsed.ok ? parsed.value : null;
      return parsed.ok &&
        (typeof value !== 'object' || value === null || Array.isArray(value))
        ? {
            ok: false,
            message: `'${shown(trimmed)}' is not an object (e.g. {"a": 1})`
          }
        : parsed;
    }
    default: {
      // Any type: JSON when it reads as JSON, else the text itself.
      const parsed = parseJson(trimmed);
      return parsed.ok ? parsed : { ok: true, value: trimmed };
    }
  }
}

/**
 * Split a list of values at its top-level commas: commas inside quotes, brackets and braces
 * belong to a value (`[1, 2], [3]` is two values).
 */
export function splitValues(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '\\') {
        current += char + (text[index + 1] ?? '');
        index++;
        continue;
      }
      quoted = char !== '"';
    } else if (char === '"') {
      quoted = true;
    } else if (char === '[' || char === '{') {
      depth++;
    } else if (char === ']' || char === '}') {
      depth = Math.max(0, depth - 1);
    } else if (char === ',' && depth === 0) {
      items.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  items.push(current.trim());
  return items.length === 1 && items[0] === '' ? [] : items;
}

/** A grid parameter's values: comma-separated, each parsed as `type`, at least one. */
export function parseValueList(
  text: string,
  type: ParameterType
): Parsed<unknown[]> {
  const items = splitValues(text);
  if (items.length === 0) {
    return {
      ok: false,
      message: 'give at least one value, separated by commas'
    };
  }
  const values: unknown[] = [];
  for (const [index, item] of items.entries()) {
    if (item === '' && type !== 'str') {
      return { ok: false, message: `value ${index + 1} is empty` };
    }
    const parsed = parseValue(item, type);
    if (!parsed.ok) {
      return { ok: false, message: `value ${index + 1}: ${parsed.message}` };
    }
    values.push(parsed.value);
  }
  return { ok: true, value: values };
}

/** How many runs a product grid makes (1 without grid parameters). */
export function gridSize(grid: Record<string, ReadonlyArray<unknown>>): number {
  return Object.values(grid).reduce((size, values) => size * values.length, 1);
}

/** A value as a field shows it (the inverse of `parseValue` for what it accepts). */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}
