import * as errors from '../../lib/errors';
import * as cognitoErrors from '../../lib/cognito/errors';

type Errors = typeof errors;
type CognitoErrors = typeof cognitoErrors;

/**
 * A second, separate copy of the error modules, as when an app loads both the CommonJS and the
 * ESM build of apig-signer (or two versions): same class names, different class objects.
 */
function otherCopy(): { errors: Errors; cognito: CognitoErrors } {
  let copy: { errors: Errors; cognito: CognitoErrors } | undefined;
  jest.isolateModules(() => {
    copy = {
      errors: jest.requireActual<Errors>('../../lib/errors'),
      cognito: jest.requireActual<CognitoErrors>('../../lib/cognito/errors'),
    };
  });
  return copy!;
}

describe('ApigSignerError instanceof across copies', () => {
  const other = otherCopy();

  it('the copies are distinct classes', () => {
    expect(other.errors.SigningError).not.toBe(errors.SigningError);
    expect(other.cognito.NotSignedInError).not.toBe(cognitoErrors.NotSignedInError);
  });

  it('an error of one copy is an instance of the same class, and its ancestors, in the other', () => {
    const error = new other.errors.SigningError('ERR_NO_CRYPTO', 'no crypto');
    expect(error instanceof errors.SigningError).toBe(true);
    expect(error instanceof errors.ApigSignerError).toBe(true);
    const back = new errors.CredentialsError('ERR_CREDENTIALS', 'refused');
    expect(back instanceof other.errors.CredentialsError).toBe(true);
    expect(back instanceof other.errors.ApigSignerError).toBe(true);
  });

  it('subclasses of apig-signer/cognito too', () => {
    const error = new other.cognito.NotSignedInError();
    expect(error instanceof cognitoErrors.NotSignedInError).toBe(true);
    expect(error instanceof errors.CredentialsError).toBe(true);
    expect(error instanceof errors.ApigSignerError).toBe(true);
  });

  it('is not an instance of unrelated classes of either copy', () => {
    const error = new other.errors.SigningError('ERR_SIGNING', 'x');
    expect(error instanceof errors.ConfigurationError).toBe(false);
    expect(error instanceof errors.CredentialsError).toBe(false);
    expect(error instanceof cognitoErrors.NotSignedInError).toBe(false);
    expect(new Error('plain') instanceof errors.ApigSignerError).toBe(false);
    expect((null as unknown) instanceof errors.ApigSignerError).toBe(false);
    expect({ name: 'SigningError', code: 'ERR_SIGNING' } instanceof errors.SigningError).toBe(
      false,
    );
  });

  it('keeps ordinary instanceof for subclasses users write', () => {
    class AppError extends errors.ApigSignerError {}
    expect(new AppError('ERR_SIGNING', 'x') instanceof AppError).toBe(true);
    expect(new AppError('ERR_SIGNING', 'x') instanceof errors.ApigSignerError).toBe(true);
    expect(new errors.SigningError('ERR_SIGNING', 'x') instanceof AppError).toBe(false);
  });

  it('the brand does not show in JSON, keys or equality', () => {
    const error = new errors.SigningError('ERR_SIGNING', 'x');
    expect(Object.keys(error).sort()).toEqual(['code', 'name']);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'ERR_SIGNING',
      name: 'SigningError',
    });
    expect(error).toEqual(new other.errors.SigningError('ERR_SIGNING', 'x'));
  });
});
