import { cognitoEndpoints, cognitoPoolOptions, routeCognitoCalls } from './cognitoProxy';
import { CliError, EXIT, usageError } from './exitCodes';
import type { Io } from './main';
import type { ForgotPasswordCommand } from './parseCommandLine';
import { firstLine, newPasswordTwice } from './resolveCredentials';

/**
 * `--forgot-password`: Cognito sends the user a code; the code and a new password (typed twice)
 * are asked at the terminal, and the password is reset. Nothing is signed or sent to the API.
 *
 * @throws {@link CliError}: exit 2 without a terminal, 67 when Cognito refuses the reset.
 */
export async function runForgotPassword(command: ForgotPasswordCommand, io: Io): Promise<number> {
  const user = command.cognito;
  routeCognitoCalls(cognitoEndpoints(user), command, io.env);
  const openTerminal = io.openTerminal ?? (await import('./terminal')).openTerminal;
  const terminal = openTerminal();
  if (terminal === undefined) {
    throw usageError(
      `--forgot-password asks for the code Cognito sends ${user.username} and a new password: run apig-signer on a terminal`,
    );
  }
  try {
    const { createCognitoAuth, AuthError } = await import('apig-signer/cognito');
    const auth = createCognitoAuth({
      ...cognitoPoolOptions(user),
    });
    try {
      const delivery = await auth.forgotPassword(user.username);
      terminal.say(
        `Cognito sent a code to ${delivery.destination ?? user.username}${delivery.medium === undefined ? '' : ` (${delivery.medium})`}.`,
      );
      const code = await terminal.ask('Code: ', { hidden: false });
      const password = await newPasswordTwice(terminal, user.username);
      await auth.confirmForgotPassword(user.username, code.trim(), password);
    } catch (error) {
      if (error instanceof AuthError) {
        throw new CliError(
          EXIT.LOGIN_DENIED,
          `Cognito refused the password reset of ${user.username}: ${firstLine(error.message)}`,
          { cause: error },
        );
      }
      throw error;
    }
    terminal.say(`The password of ${user.username} is changed: sign in with it.`);
    return EXIT.OK;
  } finally {
    terminal.close();
  }
}
