/** A control request that cannot be applied: unknown entity (404) or a conflict with the state (409). */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function mustGet<T>(map: ReadonlyMap<string, T>, id: string, what: string): T {
  const value = map.get(id);
  if (value === undefined) throw new ControlError(404, `unknown ${what} ${id}`);
  return value;
}
