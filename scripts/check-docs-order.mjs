// Part of npm run check:links: the typedoc site (docs-site/, from `npm run docs`) reads in the
// order a newcomer needs, as its sidebar and module pages show it:
// - the guides first, in reading order (Getting started first), each guide in docs/ listed;
// - the three entry points at the top level, in the order apig-signer, cognito, testing (not
//   nested under the main entry's members);
// - within an entry point, its functions before its interfaces and type aliases, and the
//   error classes last, in the sidebar and on the module page alike.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';

const SITE = resolve(process.argv[2] ?? 'docs-site');
/** The guides in reading order, by title: the sidebar must start with these. */
const READING_ORDER = [
  'Getting started',
  'Credentials strategies',
  'Cognito sign-in',
  'Testing your app',
  'Endpoints and the allowlist',
  'Troubleshooting',
];
const ENTRY_POINTS = ['apig-signer', 'apig-signer/cognito', 'apig-signer/testing'];
/** typedoc's ReflectionKind values, in the order a module must list them. */
const KIND_RANK = new Map([
  [64, 0], // Function
  [256, 1], // Interface
  [2097152, 1], // TypeAlias
  [32, 1], // Variable
  [128, 2], // Class
]);
const GROUP_ORDER = ['Functions', 'Interfaces', 'Type Aliases', 'Variables', 'Classes'];

const problems = [];
const expectThat = (ok, message) => {
  if (!ok) problems.push(message);
};

const script = readFileSync(join(SITE, 'assets/navigation.js'), 'utf8');
const data = /navigationData = "([^"]+)"/.exec(script)?.[1];
if (data === undefined) {
  console.error('check-docs-order: no navigation data in assets/navigation.js');
  process.exit(1);
}
const nav = JSON.parse(inflateSync(Buffer.from(data, 'base64')).toString('utf8'));
const DOCUMENT = 8388608;
const MODULE = 2;

const documents = nav.filter((item) => item.kind === DOCUMENT).map((item) => item.text);
const firstModule = nav.findIndex((item) => item.kind === MODULE);
expectThat(
  JSON.stringify(documents.slice(0, READING_ORDER.length)) === JSON.stringify(READING_ORDER),
  `the sidebar's guides start ${documents.slice(0, READING_ORDER.length).join(', ')}; expected ${READING_ORDER.join(', ')}`,
);
expectThat(
  firstModule === -1 || nav.slice(0, firstModule).every((item) => item.kind === DOCUMENT),
  'a module comes before a guide in the sidebar',
);
// Every guide is in the site: typedoc.json names them one by one (for the order), so a new
// guide left out of that list would be missing without a word.
for (const name of readdirSync('docs').filter((n) => n.endsWith('.md'))) {
  const title = /^title: (.+)$/m.exec(readFileSync(join('docs', name), 'utf8'))?.[1];
  expectThat(
    title !== undefined && documents.includes(title),
    `docs/${name} (${title ?? 'no title'}) is not in the sidebar: add it to projectDocuments in typedoc.json`,
  );
}

const modules = nav.filter((item) => item.kind === MODULE);
expectThat(
  JSON.stringify(modules.map((m) => m.text)) === JSON.stringify(ENTRY_POINTS),
  `the sidebar's top-level entry points are ${modules.map((m) => m.text).join(', ') || 'none'}; expected ${ENTRY_POINTS.join(', ')}`,
);
for (const module of modules) {
  const ranks = (module.children ?? []).map((child) => KIND_RANK.get(child.kind) ?? 3);
  const outOfOrder = ranks.findIndex((rank, i) => i > 0 && rank < (ranks[i - 1] ?? 0));
  expectThat(
    ranks[0] === 0 && outOfOrder === -1,
    `${module.text}: the sidebar lists ${module.children?.[Math.max(outOfOrder, 0)]?.text ?? 'nothing'} out of order (functions, then interfaces and types, then classes)`,
  );
  const page = readFileSync(join(SITE, module.path), 'utf8');
  const groups = [...page.matchAll(/<h2 class="tsd-anchor-link" id="[^"]+">([^<]+)</g)]
    .map(([, name]) => name)
    .filter((name) => GROUP_ORDER.includes(name));
  const sorted = [...groups].sort((a, b) => GROUP_ORDER.indexOf(a) - GROUP_ORDER.indexOf(b));
  expectThat(
    groups[0] === 'Functions' && JSON.stringify(groups) === JSON.stringify(sorted),
    `${module.path}: its sections are ${groups.join(', ')}; expected Functions first, then ${GROUP_ORDER.slice(1).join(', ')}`,
  );
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`check-docs-order: ${problem}`);
  process.exit(1);
}
console.log(
  `check-docs-order: ${documents.length} guides (Getting started first), then ${ENTRY_POINTS.join(', ')}, each with its functions first`,
);
