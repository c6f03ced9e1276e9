// npm run check:links: every link inside the typedoc site (docs-site/, from `npm run docs`)
// leads somewhere: the file exists, the `#anchor` exists in it, and no link lands on a raw
// Markdown file (a guide link that typedoc could not turn into a page). Offline: links to other
// sites are counted, not fetched.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SITE = resolve(process.argv[2] ?? 'docs-site');
if (!existsSync(join(SITE, 'index.html'))) {
  console.error(
    `check-links: no ${relative(process.cwd(), SITE)}/index.html: run npm run docs first`,
  );
  process.exit(1);
}

const pages = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? pages(path) : path.endsWith('.html') ? [path] : [];
  });

const decode = (text) =>
  text
    .replaceAll('&amp;', '&')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');

/** The ids (and legacy names) a file defines, read once per file. */
const anchorsOf = new Map();
function anchors(file) {
  if (!anchorsOf.has(file)) {
    const text = readFileSync(file, 'utf8');
    const ids = new Set();
    for (const [, , value] of text.matchAll(/\s(id|name)="([^"]*)"/g)) ids.add(decode(value));
    anchorsOf.set(file, ids);
  }
  return anchorsOf.get(file);
}

const problems = [];
let checked = 0;
let external = 0;
for (const page of pages(SITE)) {
  const html = readFileSync(page, 'utf8');
  for (const [, attribute, raw] of html.matchAll(/\s(href|src)="([^"]*)"/g)) {
    const link = decode(raw);
    if (/^[a-z][a-z0-9+.-]*:/i.test(link)) {
      if (/^https?:/i.test(link)) external += 1;
      continue; // other sites, data:, mailto:
    }
    if (link === '' || link === '#') continue;
    checked += 1;
    const [path = '', fragment] = link.split('#', 2);
    const target = path === '' ? page : resolve(dirname(page), decodeURIComponent(path));
    const where = `${relative(SITE, page)}: ${attribute}="${link}"`;
    if (!target.startsWith(SITE)) problems.push(`${where} leaves the site`);
    else if (!existsSync(target) || statSync(target).isDirectory())
      problems.push(`${where}: no such file`);
    else if (/\.md$/i.test(target))
      problems.push(`${where}: a raw Markdown file, not a page of the site`);
    else if (fragment && !anchors(target).has(decodeURIComponent(fragment))) {
      problems.push(`${where}: no anchor #${fragment} in ${relative(SITE, target)}`);
    }
  }
}

for (const problem of problems) console.error(`broken  ${problem}`);
console.log(
  `check-links: ${checked} links inside the site, ${problems.length} broken; ${external} to other sites (not fetched)`,
);
process.exit(problems.length === 0 ? 0 : 1);
