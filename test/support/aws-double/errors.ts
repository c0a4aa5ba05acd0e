/** An error the double answers in the service's own wire format (code, message, HTTP status). */
export class AwsFault extends Error {
  override readonly name = 'AwsFault';
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }

  get sender(): boolean {
    return this.status < 500;
  }
}

export const invalidParameter = (message: string, code = 'InvalidParameterValue') => new AwsFault(code, message, 400);

export function required<T>(value: T | undefined | null, name: string, code = 'MissingParameter'): T {
  if (value === undefined || value === null || value === '') {
    throw new AwsFault(code, `The request must contain the parameter ${name}`, 400);
  }
  return value;
}
