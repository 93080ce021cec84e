// Builds dist/ once per test run: some suites start the real deployables as processes.
import { execFileSync } from 'node:child_process';

export default function buildOnce() {
  execFileSync(process.execPath, ['tools/build.js'], { cwd: new URL('..', import.meta.url).pathname, stdio: 'inherit' });
}
