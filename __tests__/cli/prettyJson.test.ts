import { prettyJson } from '../../cli/src/prettyJson';

describe('prettyJson', () => {
  it('indents by two spaces and keeps strings with brackets, escapes and big numbers as written', () => {
    const text =
      '{"a":"[x], {y}: \\"z\\"","n":-1.50e+3,"big":123456789012345678901234,"e":[],"o":{}}';
    expect(prettyJson(text, false)).toBe(
      '{\n  "a": "[x], {y}: \\"z\\"",\n  "n": -1.50e+3,\n  "big": 123456789012345678901234,\n  "e": [],\n  "o": {}\n}',
    );
  });

  it('indents nested arrays and top-level scalars', () => {
    expect(prettyJson('[[1,[true]],null]', false)).toBe(
      '[\n  [\n    1,\n    [\n      true\n    ]\n  ],\n  null\n]',
    );
    expect(prettyJson(' "only" ', false)).toBe('"only"');
  });

  it('is undefined for text that is not JSON, so it is written as it came', () => {
    expect(prettyJson('{"a":1', false)).toBeUndefined();
    expect(prettyJson('\ufeff{"a":1}', false)).toBeUndefined();
    expect(prettyJson('', false)).toBeUndefined();
  });

  it('colours keys, strings, numbers and literals apart', () => {
    expect(prettyJson('{"k":"v","n":1,"t":true}', true)).toBe(
      '{\n  \u001b[34m"k"\u001b[0m: \u001b[32m"v"\u001b[0m,\n  \u001b[34m"n"\u001b[0m: \u001b[33m1\u001b[0m,\n  \u001b[34m"t"\u001b[0m: \u001b[35mtrue\u001b[0m\n}',
    );
  });
});
