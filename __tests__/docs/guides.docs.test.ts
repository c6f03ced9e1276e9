/**
 * Figures and instructions in the README and the guides that come from somewhere else: the
 * latest full benchmark run, and the AWS SDK's own source.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const read = (path: string) => readFileSync(join(__dirname, '../..', path), 'utf8');

describe('README speed figures', () => {
  const readme = read('README.md');
  const bench = read('bench/README.md');
  const run = /Full run of (\d{4}-\d{2}-\d{2}), Node v([\d.]+), ([^,]+) \((\d) cores\)/.exec(bench);

  it('name the date and the machine of the latest full run in bench/README.md', () => {
    expect(run).not.toBeNull();
    const [, date = '', node = '', cpu = '', cores = ''] = run ?? [];
    const speed = readme.slice(readme.indexOf('## Speed'), readme.indexOf('## Documentation'));
    expect(speed).toContain(`full \`npm run bench\` run of ${date}`);
    expect(speed).toContain(`${cpu}, ${cores} cores`);
    expect(speed).toContain(`Node ${node}`);
  });

  it('give the range of the ratios in its table, against aws4-axios and smithy', () => {
    const medians = (column: number) =>
      bench
        .split('\n')
        .filter((line) => /^\| (GET|POST|100)/.test(line) && !line.includes('1 MiB'))
        .map((line) => Number(/([\d.]+)x/.exec(line.split('|')[column] ?? '')?.[1]));
    const aws4 = medians(6);
    const smithy = medians(7);
    expect(aws4.length).toBeGreaterThan(0);
    expect(aws4.every(Number.isFinite)).toBe(true);
    const range = (values: number[], digits: number) =>
      `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}x`;
    // Prose is wrapped anywhere: compare with the line breaks folded into spaces.
    const prose = readme.replace(/\s+/g, ' ');
    expect(prose).toContain(`**${range(aws4, 2)}** of what aws4-axios adds`);
    expect(prose).toContain(`**${range(smithy, 1)}** the time of a bare`);
  });
});

describe('docs/cognito.md on the AWS SDK Node.js version warning', () => {
  it('names the variable the installed SDK reads to silence it', () => {
    // The identity-pool client's warning lives in @aws-sdk/core (not in its exports map).
    const core = dirname(require.resolve('@aws-sdk/core'));
    const source = readFileSync(join(core, 'submodules/client/index.js'), 'utf8');
    const variable = /process\.env\.(\w+) === "true"/.exec(source)?.[1];
    expect(variable).toMatch(/WARNING/);
    const doc = read('docs/cognito.md');
    expect(doc.slice(doc.indexOf("## The AWS SDK's Node.js version warning"))).toContain(
      `${variable ?? '(not found)'}=true`,
    );
  });
});
