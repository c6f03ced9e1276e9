import { encodeRfc3986, parseQuery, toWirePath } from '../../lib/signing/uri';

describe('encodeRfc3986', () => {
  it('leaves only unreserved characters raw', () => {
    expect(encodeRfc3986("AZaz09-._~ !'()*+/?#[]@:$&,;=%")).toBe(
      'AZaz09-._~%20%21%27%28%29%2A%2B%2F%3F%23%5B%5D%40%3A%24%26%2C%3B%3D%25',
    );
  });

  it('encodes unicode as UTF-8, and a lone surrogate as U+FFFD', () => {
    expect(encodeRfc3986('é😀')).toBe('%C3%A9%F0%9F%98%80');
    expect(encodeRfc3986('a\uD800b')).toBe('a%EF%BF%BDb');
  });
});

describe('toWirePath', () => {
  it.each([
    ['', '/'],
    ['/', '/'],
    ['/a%20b', '/a%20b'],
    ['/a%2fb', '/a%2Fb'],
    ['/%41%7e', '/A~'],
    ['/50%', '/50%25'],
    ['/%zz', '/%25zz'],
    ["/!'()*", '/%21%27%28%29%2A'],
    ['/a+b', '/a%2Bb'],
    ['/h%C3%A9llo', '/h%C3%A9llo'],
    ['/é', '/%C3%A9'],
    ['/a//b/', '/a//b/'],
  ])('%p → %p', (input, output) => {
    expect(toWirePath(input)).toBe(output);
  });
});

describe('encodeRfc3986 and parseQuery', () => {
  it('round-trip pairs, order and repeats kept', () => {
    const pairs: Array<[string, string]> = [
      ['b', 'two words'],
      ['a', '+'],
      ['b', ''],
      ['é', '&='],
    ];
    const text = pairs.map(([k, v]) => `${encodeRfc3986(k)}=${encodeRfc3986(v)}`).join('&');
    expect(text).toBe('b=two%20words&a=%2B&b=&%C3%A9=%26%3D');
    expect(parseQuery(text)).toEqual(pairs);
  });

  it('reads + as a space, as forms and URLSearchParams do', () => {
    expect(parseQuery('?q=a+b&r=c%2Bd')).toEqual([
      ['q', 'a b'],
      ['r', 'c+d'],
    ]);
  });
});
