/** Why the doctor could not examine an environment, and what to do about it. */
export class DoctorError extends Error {
  override readonly name = 'DoctorError';
  constructor(
    readonly code: 'NO_ENVIRONMENT' | 'NO_REGION',
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}
