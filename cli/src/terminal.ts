import { openSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';

import { CliError } from './exitCodes';

/** Questions asked at the terminal, apart from stdin and stdout (which may carry the body). */
export interface Terminal {
  /** Asks one question; `hidden` echoes nothing (passwords). */
  ask(question: string, options: { hidden: boolean }): Promise<string>;
  /** Shows one line (a note between questions). */
  say(line: string): void;
  close(): void;
}

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACE = new Set(['\u007f', '\b']);
/** The exit code of a command stopped with Ctrl-C, as shells report it (128 + SIGINT). */
const INTERRUPTED = 130;

function terminalStreams(): { input: ReadStream; output: WriteStream; own: boolean } | undefined {
  // The controlling terminal, as ssh and sudo ask for passwords: it still works when stdin
  // carries the body (`-d @-`) and stdout is redirected.
  try {
    const input = new ReadStream(openSync('/dev/tty', 'r'));
    const output = new WriteStream(openSync('/dev/tty', 'w'));
    return { input, output, own: true };
  } catch {
    // No controlling terminal (or no /dev/tty, as on Windows): stdin and stderr, if terminals.
  }
  if (process.stdin.isTTY && process.stderr.isTTY) {
    return { input: process.stdin, output: process.stderr, own: false };
  }
  return undefined;
}

/** The terminal to ask questions at, or `undefined` when there is none (CI, pipes, cron). */
export function openTerminal(): Terminal | undefined {
  const streams = terminalStreams();
  if (streams === undefined) return undefined;
  const { input, output, own } = streams;
  // Keystrokes typed ahead of a question are kept for it.
  let typedAhead = '';

  function ask(question: string, { hidden }: { hidden: boolean }): Promise<string> {
    return new Promise((resolve, reject) => {
      let answer = '';
      const finish = () => {
        input.off('data', onData);
        input.setRawMode(false);
        input.pause();
        output.write('\n');
      };
      const take = (text: string): boolean => {
        const characters = Array.from(text);
        for (let i = 0; i < characters.length; i += 1) {
          const character = characters[i] as string;
          if (character === '\r' || character === '\n') {
            typedAhead = characters
              .slice(i + (character === '\r' && characters[i + 1] === '\n' ? 2 : 1))
              .join('');
            finish();
            resolve(answer);
            return true;
          }
          if (character === CTRL_C || (character === CTRL_D && answer === '')) {
            finish();
            reject(new CliError(INTERRUPTED, 'stopped at the prompt'));
            return true;
          }
          if (BACKSPACE.has(character)) {
            if (answer !== '') {
              answer = Array.from(answer).slice(0, -1).join('');
              if (!hidden) output.write('\b \b');
            }
          } else if (character >= ' ') {
            answer += character;
            if (!hidden) output.write(character);
          }
        }
        return false;
      };
      const onData = (chunk: Buffer | string) => {
        take(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      };
      // Raw mode before the question: nothing typed after it is echoed by the terminal.
      input.setRawMode(true);
      output.write(question);
      const pending = typedAhead;
      typedAhead = '';
      if (take(pending)) return;
      input.on('data', onData);
      input.resume();
    });
  }

  return {
    ask,
    say(line) {
      output.write(`${line}\n`);
    },
    close() {
      // Left by --max-time in the middle of a question: give the terminal its echo back.
      if (input.isRaw) input.setRawMode(false);
      if (own) {
        input.destroy();
        output.destroy();
      }
    },
  };
}
