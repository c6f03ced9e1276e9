// The check list of scripts/browser-test.mjs and scripts/bundler-test.mjs: one `ok`/`FAIL` line
// per check, and a closing `<name>: N passed, M failed` line that .ci/run adds up.
export function checkList() {
  let passed = 0;
  let failed = 0;
  return {
    check(ok, label, detail = '') {
      if (ok) passed += 1;
      else failed += 1;
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}${detail && !ok ? `: ${detail}` : ''}`);
    },
    /** Prints the closing line; true when every check passed. */
    summary(name) {
      console.log(`\n${name}: ${passed} passed, ${failed} failed`);
      return failed === 0;
    },
  };
}
