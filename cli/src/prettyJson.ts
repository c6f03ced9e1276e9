const COLOURS = {
  key: '\u001b[34m',
  string: '\u001b[32m',
  number: '\u001b[33m',
  literal: '\u001b[35m',
  reset: '\u001b[0m',
} as const;

/** A JSON string or a number/true/false/null, exactly as written. */
const TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|[{}[\]:,]|\s+/gy;

/**
 * Indents JSON text by two spaces, keeping every string and number exactly as written (a
 * `JSON.parse` round trip would round big numbers and rewrite escapes). `undefined` when the text
 * is not JSON.
 */
export function prettyJson(text: string, colour: boolean): string | undefined {
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  const paint = (kind: keyof typeof COLOURS, token: string) =>
    colour ? `${COLOURS[kind]}${token}${COLOURS.reset}` : token;
  let out = '';
  let depth = 0;
  let afterOpen = false;
  const newline = () => `\n${'  '.repeat(depth)}`;
  TOKEN.lastIndex = 0;
  const tokens: string[] = [];
  let read = 0;
  for (let match = TOKEN.exec(text); match !== null; match = TOKEN.exec(text)) {
    read = TOKEN.lastIndex;
    if (!/^\s+$/.test(match[0])) tokens.push(match[0]);
  }
  // Valid JSON is read to the end; anything else is printed as it came.
  if (read !== text.length) return undefined;
  tokens.forEach((token, index) => {
    if (afterOpen && token !== '}' && token !== ']') {
      out += newline();
    }
    afterOpen = false;
    switch (token) {
      case '{':
      case '[':
        out += token;
        depth += 1;
        afterOpen = true;
        break;
      case '}':
      case ']': {
        depth -= 1;
        const previous = tokens[index - 1];
        out += previous === '{' || previous === '[' ? token : `${newline()}${token}`;
        break;
      }
      case ',':
        out += `,${newline()}`;
        break;
      case ':':
        out += ': ';
        break;
      default:
        if (token.startsWith('"')) {
          out += paint(tokens[index + 1] === ':' ? 'key' : 'string', token);
        } else {
          out += paint(/^[-\d]/.test(token) ? 'number' : 'literal', token);
        }
    }
  });
  return out;
}
