import { VitrineError, type ErrorCode } from './errors';

/**
 * A plain object: not null, not an array, not a class instance. Objects from another realm
 * (an iframe calling the SDK of its parent) count: their prototype is that realm's root.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * Reads fields of an untrusted object, collecting the first error with the field's path.
 * Validators built on it refuse unknown fields, so a typo is reported instead of ignored.
 */
export class Reader {
  private readonly seen = new Set<string>();

  /**
   * @param value the untrusted object
   * @param path where it sits, for messages (`product_view`, `cart.add(item)`)
   * @param code the error code to throw
   * @param unknownField told of an unknown field (with the known name it most likely meant); true when it is only
   *   a warning (a typo in the init options), else the field is refused. Nested objects refuse theirs.
   */
  constructor(value: Record<string, unknown>, path: string, code: ErrorCode, unknownField?: (message: string, near: string | undefined) => boolean) {
    this.value = value;
    this.path = path;
    this.code = code;
    this.unknownField = unknownField;
  }

  // Declared, not defined: assigned once above, so the built class carries no field list for them.
  declare private readonly value: Record<string, unknown>;
  declare private readonly path: string;
  declare private readonly code: ErrorCode;
  declare private readonly unknownField?: (message: string, near: string | undefined) => boolean;

  /**
   * Starts reading `value`, which must be a plain object.
   * @param value the untrusted input
   * @param path where it sits, for messages
   * @param code the error code to throw
   * @param unknownField told of an unknown field; true when it is only a warning
   * @returns a reader over it
   */
  static of(value: unknown, path: string, code: ErrorCode, unknownField?: (message: string, near: string | undefined) => boolean): Reader {
    if (!isPlainObject(value)) throw new VitrineError(code, `${path || 'document'}: expected an object`);
    return new Reader(value, path, code, unknownField);
  }

  /** The path of a field below this object (`offers[3].caps`, or `version` at the root). */
  at(field: string): string {
    return this.path ? `${this.path}.${field}` : field;
  }

  /** Throws with the field's path; for a field that is missing, names the misspelt one that is there instead. */
  fail(field: string, expected: string): never {
    const typo =
      this.value[field] === undefined
        ? closestName(
            field,
            Object.keys(this.value).filter((k) => !this.seen.has(k)),
          )
        : undefined;
    throw new VitrineError(this.code, typo ? `${this.at(typo)}: unknown field; did you mean ${field}?` : `${this.at(field)}: expected ${expected}`);
  }

  /** Reads a field and marks it known. */
  take(field: string): unknown {
    this.seen.add(field);
    return this.value[field];
  }

  /** A required non-empty string of at most `max` characters. */
  string(field: string, max = 200): string {
    const v = this.take(field);
    if (typeof v !== 'string' || v.length === 0 || v.length > max) {
      this.fail(field, `a non-empty string of at most ${max} characters`);
    }
    return v;
  }

  /** An optional non-empty string of at most `max` characters. */
  optString(field: string, max = 200): string | undefined {
    return this.value[field] === undefined ? (this.take(field), undefined) : this.string(field, max);
  }

  /** A required finite number within [min, max]. */
  number(field: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.take(field);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      this.fail(field, `a finite number from ${min} to ${max}`);
    }
    return v;
  }

  /** An optional finite number within [min, max]. */
  optNumber(field: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
    return this.value[field] === undefined ? (this.take(field), undefined) : this.number(field, min, max);
  }

  /** A required whole number within [min, max]. */
  integer(field: string, min: number, max: number): number {
    const v = this.take(field);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(field, min === 1 && max >= 1e6 ? 'a positive integer' : `a whole number from ${min} to ${max}`);
    }
    return v;
  }

  /** An optional whole number within [min, max]. */
  optInteger(field: string, min: number, max: number): number | undefined {
    return this.value[field] === undefined ? (this.take(field), undefined) : this.integer(field, min, max);
  }

  /** An optional nested object, read by `read` with its own reader. */
  optObject<T>(field: string, read: (r: Reader) => T): T | undefined {
    const v = this.take(field);
    if (v === undefined) return undefined;
    const r = Reader.of(v, this.at(field), this.code);
    const out = read(r);
    r.done();
    return out;
  }

  /** An optional boolean. */
  optBoolean(field: string): boolean | undefined {
    const v = this.take(field);
    if (v !== undefined && typeof v !== 'boolean') this.fail(field, 'true or false');
    return v as boolean | undefined;
  }

  /** An ISO 4217 currency code; optional unless `required`. */
  currency(field: string, required = false): string | undefined {
    const v = this.take(field);
    if ((v !== undefined || required) && (typeof v !== 'string' || !/^[A-Z]{3}$/.test(v))) this.fail(field, 'a three-letter ISO 4217 code such as "EUR"');
    return v as string | undefined;
  }

  /**
   * One of a few allowed values.
   * @param fallback the value when the field is absent; without one the field is required
   */
  oneOf<T extends string>(field: string, values: readonly T[], fallback?: T): T {
    const v = this.take(field) ?? fallback;
    if (!values.includes(v as T)) this.fail(field, values.map((x) => `"${x}"`).join(', '));
    return v as T;
  }

  /** The raw value of a field, for validators with their own rules. */
  raw(field: string): unknown {
    return this.take(field);
  }

  /** Throws if the object has a field no validator asked for. */
  done(): void {
    for (const key of Object.keys(this.value)) {
      if (this.seen.has(key)) continue;
      const near = closestName(key, this.seen);
      const message = `${this.at(key)}: unknown field${near ? `; did you mean ${near}?` : ''}`;
      if (!this.unknownField?.(message, near)) throw new VitrineError(this.code, message);
    }
  }
}

/**
 * The known name a misspelt one most likely meant: case aside, the fewest letters added,
 * dropped or changed, and at most a third of its letters.
 * @returns that name, or undefined when none is that close
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  // Field names are short: a long one is no typo, and is not compared letter by letter.
  if (name.length > 64) return undefined;
  const a = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(a.length / 3)) + 1;
  for (const candidate of known) {
    const b = candidate.toLowerCase();
    // Levenshtein distance, one row at a time.
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let diagonal = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const above = row[j]!;
        row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
        diagonal = above;
      }
    }
    if (row[b.length]! < bestDistance) [best, bestDistance] = [candidate, row[b.length]!];
  }
  return best;
}

/**
 * An array field of at most `max` entries, each read by `item` (a function, not a method, so
 * bundles that read no arrays leave it out).
 * @param optional when true, an absent field gives undefined
 */
export function readArray<T>(r: Reader, field: string, max: number, item: (value: unknown, path: string) => T, optional = false): T[] | undefined {
  const v = r.take(field);
  if (v === undefined && optional) return undefined;
  if (!Array.isArray(v) || v.length > max) r.fail(field, `an array of at most ${max} entries`);
  return v.map((entry, i) => item(entry, `${r.at(field)}[${i}]`));
}
